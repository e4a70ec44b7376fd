/**
 * ID tokens: RS256, `kid` always set, only `sub` as personal claim.
 *
 * The compact JWS is built by hand and signed with synchronous node:crypto rather than jose's
 * SignJWT: jose 6 runs every operation through crypto.subtle, and on Node each subtle call
 * costs ~60-70 µs (a thread-pool hop) on top of the RSA work, once per login. The result is
 * the same token format (verified with jose's jwtVerify in test/fast-crypto.test.ts).
 */
import { sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { ProviderContext } from '../context.js';

export type IdTokenHeader = Record<string, string>;
export type IdTokenPayload = Record<string, string | number>;

/** An ID token with its decoded parts (the login inspector shows them). */
export interface IssuedIdToken {
  token: string;
  header: IdTokenHeader;
  payload: IdTokenPayload;
}

const b64json = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims of a correct ID token for this login, issued now. */
export function idTokenPayload(ctx: ProviderContext, claims: { sub: string; clientId: string; nonce?: string }): IdTokenPayload {
  const now = Math.floor(ctx.now() / 1000);
  const payload: IdTokenPayload = {
    iss: ctx.config.issuer,
    sub: claims.sub,
    aud: claims.clientId,
    iat: now,
    exp: now + ctx.config.tokenTtl,
  };
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  return payload;
}

/** `header.payload.signature` with RS256 (SHA-256) and the given RSA private key. */
export function signRs256(header: IdTokenHeader, payload: IdTokenPayload, key: KeyObject): IssuedIdToken {
  const input = `${b64json(header)}.${b64json(payload)}`;
  const signature = sign('sha256', Buffer.from(input), key);
  return { token: `${input}.${signature.toString('base64url')}`, header, payload };
}

/** A correct ID token, signed by the provider's active key. */
export async function issueIdToken(
  ctx: ProviderContext,
  claims: { sub: string; clientId: string; nonce?: string },
): Promise<IssuedIdToken> {
  const { kid, key } = await ctx.keys.active();
  return signRs256({ alg: 'RS256', kid, typ: 'JWT' }, idTokenPayload(ctx, claims), key);
}
