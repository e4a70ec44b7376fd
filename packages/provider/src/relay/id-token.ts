/** ID tokens: RS256, `kid` always set, only `sub` as personal claim. */
import { SignJWT } from 'jose';
import type { ProviderContext } from '../context.js';

export async function issueIdToken(
  ctx: ProviderContext,
  claims: { sub: string; clientId: string; nonce?: string },
): Promise<string> {
  const { kid, key } = await ctx.keys.active();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims.nonce !== undefined ? { nonce: claims.nonce } : {})
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(ctx.config.issuer)
    .setSubject(claims.sub)
    .setAudience(claims.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + ctx.config.tokenTtl)
    .sign(key);
}
