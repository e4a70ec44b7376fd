/**
 * ID tokens: RS256, `kid` always set, only `sub` as personal claim.
 *
 * The compact JWS is built by hand and signed with synchronous node:crypto rather than jose's
 * SignJWT: jose 6 runs every operation through crypto.subtle, and on Node each subtle call
 * costs ~60-70 µs (a thread-pool hop) on top of the RSA work, once per login. The result is
 * the same token format (verified with jose's jwtVerify in test/fast-crypto.test.ts).
 */
import { sign } from 'node:crypto';
import type { ProviderContext } from '../context.js';

const b64json = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function issueIdToken(
  ctx: ProviderContext,
  claims: { sub: string; clientId: string; nonce?: string },
): Promise<string> {
  const { kid, key } = await ctx.keys.active();
  const now = Math.floor(ctx.now() / 1000);
  const payload: Record<string, string | number> = {
    iss: ctx.config.issuer,
    sub: claims.sub,
    aud: claims.clientId,
    iat: now,
    exp: now + ctx.config.tokenTtl,
  };
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  const input = `${b64json({ alg: 'RS256', kid, typ: 'JWT' })}.${b64json(payload)}`;
  const signature = sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}
