/**
 * What the inspector may show of a value. Secrets, codes and tokens are shown by their first
 * four characters and their length — enough to tell two apart ("is this the code I got?"),
 * never enough to use one. Personal data (NRIC/FIN) keeps only what
 * `myinfo.nric_last_four_characters` would release.
 */

/** Parameters whose values are secrets or one-time credentials. */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'client_secret',
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'client_assertion',
  'request',
  't',
]);

/** Longest value shown as it is; longer ones are cut. */
const MAX_SHOWN = 200;

/** "AbCd… (43 characters)": the first four characters and the length, never the whole. */
export function maskSecret(value: string): string {
  const n = [...value].length;
  if (n === 0) return '(empty)';
  const head = n <= 8 ? '' : value.slice(0, 4);
  return `${head}… (${n} character${n === 1 ? '' : 's'})`;
}

/** "S••••127H": an NRIC/FIN with only its last four characters. */
export function maskNric(id: string): string {
  return id.length <= 4 ? '••••' : `${'•'.repeat(id.length - 4)}${id.slice(-4)}`;
}

/** A value shown as it is, but bounded (and control characters made visible). */
export function shown(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.length > MAX_SHOWN ? `${clean.slice(0, MAX_SHOWN)}… (${value.length} characters)` : clean;
}

/**
 * A request's parameters as the inspector shows them: secrets masked, long values cut, a
 * parameter sent several times shown as such. At most 30 parameters.
 */
export function maskParams(params: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const name in params) {
    if (++n > 30) {
      out['…'] = `${Object.keys(params).length - 30} more parameters`;
      break;
    }
    const v = params[name];
    const key = shown(name);
    if (Array.isArray(v)) out[key] = `(sent ${v.length} times)`;
    else if (typeof v !== 'string') out[key] = v === undefined ? '(absent)' : `(${v === null ? 'null' : typeof v})`;
    else out[key] = SECRET_PARAMS.has(name) ? maskSecret(v) : shown(v);
  }
  return out;
}

/** The Authorization header as shown: its scheme and the masked credential. */
export function maskAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^(\S+)\s+(.*)$/.exec(header);
  return m ? `${shown(m[1]!)} ${maskSecret(m[2]!)}` : maskSecret(header);
}

/** What a grant released, in the inspector's words (scope names, never values). */
export function releasedShown(scopes: readonly string[], encryptedTo: string | undefined): string {
  const data = scopes.filter((x) => x !== 'openid');
  if (data.length === 0) return 'openid only: no data';
  return `${data.join(', ')}, encrypted end to end to the client's public key${encryptedTo ? ` (JWK thumbprint ${encryptedTo})` : ''}`;
}
