/** PKCE (RFC 7636) with S256, the only method sgID accepts. */

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
export const PKCE_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Whether `value` is a syntactically valid code verifier or S256 code challenge. */
export function isPkceString(value: string): boolean {
  return PKCE_PATTERN.test(value);
}

const encoder = new TextEncoder();

/** base64url without padding, from bytes (runtime-neutral: no Buffer). */
export function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** BASE64URL(SHA-256(ASCII(verifier))) — the S256 code challenge. */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(verifier));
  return base64url(new Uint8Array(digest));
}
