/**
 * The legacy (pre-FAPI) `sub` format, for apps migrating their user records (SINGPASS.md §1a):
 * `u=<uuid>` (profile `direct`), `s=S1234567A,u=<uuid>` (`direct_pii_allowed`), and for foreign
 * accounts `s=Y…,fid=…,coi=DE,u=<uuid>`. FAPI ID tokens carry the UUID alone as `sub`, and the
 * NRIC, when the scopes release it, as `sub_attributes.identity_number`: key your users by the
 * UUID, which is the same person in both generations.
 */

/** The parts of a legacy `sub`. */
export interface LegacySub {
  /** The Singpass UUID: FAPI's `sub`. */
  uuid?: string;
  /** NRIC/FIN (`s=`): FAPI's `sub_attributes.identity_number`. */
  nric?: string;
  /** Foreign identity number (`fid=`), for foreign accounts. */
  fid?: string;
  /** Country of issue of `fid` (`coi=`). */
  coi?: string;
}

const NAMES: Record<string, keyof LegacySub> = { u: 'uuid', s: 'nric', fid: 'fid', coi: 'coi' };

/** Splits a legacy `sub` (`s=S1234567A,u=…`) into its parts; unknown parts are ignored. */
export function parseLegacySub(sub: string): LegacySub {
  const out: LegacySub = {};
  for (const part of sub.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = NAMES[part.slice(0, eq).trim()];
    const value = part.slice(eq + 1).trim();
    if (name && value) out[name] = value;
  }
  return out;
}
