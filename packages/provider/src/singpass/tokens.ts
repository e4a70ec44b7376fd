/**
 * What the Singpass endpoints issue, signed with the provider's ES256 key and, for the ID
 * token and the userinfo answer, encrypted to the client's encryption key: all on synchronous
 * node:crypto (crypto/), the per-login hot path.
 */
import { randomUUID } from 'node:crypto';
import { SINGPASS_ENC } from 'sgid-protocol';
import type { LegacyIdTokenClaims, LegacyProfile, PersonInfo, SingpassIdTokenClaims, SingpassUserinfoPayload } from 'sgid-protocol';
import type { SingpassGrant } from '../login/records.js';
import type { SingpassClientRecord } from '../store/types.js';
import { randomToken } from '../util/secrets.js';
import type { Persona } from '../wallet/personas/index.js';
import { subAttributes } from '../wallet/personas/index.js';
import { encryptCompact } from './crypto/jwe.js';
import type { ContentEncryption } from './crypto/jwe.js';
import { signEs256 } from './crypto/jws.js';
import type { SingpassContext } from './context.js';
import type { Mount } from './mounts.js';
import type { RpKeySet } from './rp-keys.js';

/** The FAPI ID token: ES256 JWS (claims per SINGPASS.md §1b) inside a JWE to the client (A256CBC-HS512, cty JWT). */
export function fapiIdToken(
  sp: SingpassContext,
  mount: Mount,
  clientId: string,
  keys: RpKeySet,
  grant: SingpassGrant,
  persona: Persona,
  scopes: readonly string[],
  nonce: string | undefined,
): string {
  const iat = sp.now();
  const attributes = subAttributes(persona, scopes);
  const claims: SingpassIdTokenClaims = {
    iss: mount.issuer,
    sub: grant.uuid,
    sub_type: 'user',
    ...(attributes ? { sub_attributes: attributes } : {}),
    aud: clientId,
    iat,
    exp: iat + sp.lifetimes.idToken,
    amr: grant.amr,
    acr: grant.acr,
    ...(nonce !== undefined ? { nonce } : {}),
  };
  const { kid, key } = sp.ctx.keys.singpassSigning();
  return encryptCompact(signEs256({ kid, typ: 'JWT' }, claims, key), keys.encryption, SINGPASS_ENC.idToken, 'JWT');
}

/**
 * An access token: a JWT (`typ: at+jwt`, RFC 9068) bound to the DPoP key by `cnf.jkt`, for the
 * userinfo endpoint only. The provider also keeps a record of it (to revoke it when its code is
 * replayed), so userinfo looks it up rather than trusting the signature alone.
 * UNCERTAIN: Singpass documents the token as a JWT without its claims; these follow RFC 9068/9449.
 */
export function accessToken(sp: SingpassContext, mount: Mount, clientId: string, uuid: string, scopes: readonly string[], jkt: string | undefined): string {
  const iat = sp.now();
  const { kid, key } = sp.ctx.keys.singpassSigning();
  return signEs256(
    { kid, typ: 'at+jwt' },
    {
      iss: mount.issuer,
      sub: uuid,
      aud: mount.url('userinfo'),
      client_id: clientId,
      scope: scopes.join(' '),
      jti: randomToken(16),
      iat,
      exp: iat + sp.lifetimes.accessToken,
      ...(jkt !== undefined ? { cnf: { jkt } } : {}),
    },
    key,
  );
}

/** The userinfo answer: a JWS of `{person_info, iss, sub, aud, iat}` inside a JWE to the client. */
export function userinfoJwe(sp: SingpassContext, mount: Mount, clientId: string, keys: RpKeySet, uuid: string, personInfo: PersonInfo, enc: ContentEncryption): string {
  const payload: SingpassUserinfoPayload = { person_info: personInfo, iss: mount.issuer, sub: uuid, aud: clientId, iat: sp.now() };
  const { kid, key } = sp.ctx.keys.singpassSigning();
  return encryptCompact(signEs256({ kid, typ: 'JWT' }, payload, key), keys.encryption, enc, 'JWT');
}

/** A fresh random id for request URIs. */
export const newRequestUriId = (): string => randomUUID();

/**
 * The legacy `sub`: `u=<uuid>` for the `direct` profile, `s=<NRIC>,u=<uuid>` for
 * `direct_pii_allowed` (the NRIC/FIN travels only inside a JWE).
 */
export function legacySub(profile: LegacyProfile, persona: Persona, uuid: string): string {
  return profile === 'direct_pii_allowed' ? `s=${persona.values['myinfo.nric_number'] ?? persona.id},u=${uuid}` : `u=${uuid}`;
}

/** The legacy ID token: ES256 JWS (`direct`), or that JWS inside a JWE to the client (`direct_pii_allowed`). */
export function legacyIdToken(
  sp: SingpassContext,
  mount: Mount,
  client: Pick<SingpassClientRecord, 'id' | 'legacyProfile'>,
  keys: RpKeySet,
  grant: SingpassGrant,
  persona: Persona,
  nonce: string | undefined,
): string {
  const iat = sp.now();
  const claims: LegacyIdTokenClaims = {
    iss: mount.issuer,
    sub: legacySub(client.legacyProfile, persona, grant.uuid),
    aud: client.id,
    iat,
    exp: iat + sp.lifetimes.idToken,
    amr: grant.amr,
    ...(nonce !== undefined ? { nonce } : {}),
  };
  const { kid, key } = sp.ctx.keys.singpassSigning();
  const jws = signEs256({ kid, typ: 'JWT' }, claims, key);
  return client.legacyProfile === 'direct_pii_allowed' ? encryptCompact(jws, keys.encryption, SINGPASS_ENC.idToken, 'JWT') : jws;
}

/** The legacy userinfo answer: Myinfo items at the root with iss, sub, aud, iat, as a JWS inside a JWE. */
export function legacyUserinfoJwe(sp: SingpassContext, mount: Mount, clientId: string, keys: RpKeySet, sub: string, personInfo: PersonInfo): string {
  const payload = { ...personInfo, iss: mount.issuer, sub, aud: clientId, iat: sp.now() };
  const { kid, key } = sp.ctx.keys.singpassSigning();
  return encryptCompact(signEs256({ kid, typ: 'JWT' }, payload, key), keys.encryption, SINGPASS_ENC.legacyUserinfo, 'JWT');
}
