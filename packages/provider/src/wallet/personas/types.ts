import type { DataScopeName } from 'sgid-protocol';

/**
 * A test person the simulated wallet can sign in as: the one record per person behind both
 * protocols. sgID's strings are its values as they are; Singpass's Myinfo v5 items and ID-token
 * attributes are derived from the same values (myinfo.ts), never kept as a second copy.
 */
export interface Persona {
  /** NRIC or FIN: the persona's identity (pairwise `sub`s are derived from it). */
  id: string;
  /** The Singpass UUID: the `sub` of every Singpass ID token for this person (uuid.ts). */
  uuid: string;
  /** Short description for the persona picker, e.g. "Singapore citizen, married, 2 children". */
  label: string;
  /**
   * Stored values only, as the strings sgID sends. Derived scopes (last four characters,
   * age checks) are computed at release time so they can never disagree with their source;
   * `myinfo.nric_number` may be left out, it defaults to `id`.
   */
  values: Partial<Record<DataScopeName, string>>;
}
