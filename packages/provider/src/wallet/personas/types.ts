import type { DataScopeName } from 'sgid-protocol';

/** A test person the simulated wallet can sign in as: the "Myinfo" record behind sgID. */
export interface Persona {
  /** NRIC or FIN: the persona's identity (pairwise `sub`s are derived from it). */
  id: string;
  /** Short description for the persona picker, e.g. "Singapore citizen, married, 2 children". */
  label: string;
  /**
   * Stored values only, as the strings sgID sends. Derived scopes (last four characters,
   * age checks) are computed at release time so they can never disagree with their source;
   * `myinfo.nric_number` may be left out, it defaults to `id`.
   */
  values: Partial<Record<DataScopeName, string>>;
}
