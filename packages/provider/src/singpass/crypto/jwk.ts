/**
 * EC JWKs on the hot path, with node:crypto: importing a public JWK once, its RFC 7638
 * thumbprint (the DPoP `jkt`), and the raw point an ECDH needs.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { SingpassCurve } from 'sgid-protocol';

export interface EcPublicJwk {
  kty: 'EC';
  crv: SingpassCurve;
  x: string;
  y: string;
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, base64url. */
export function ecThumbprint(jwk: EcPublicJwk): string {
  return createHash('sha256').update(`{"crv":"${jwk.crv}","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`).digest('base64url');
}

/** A node KeyObject for a public EC JWK (throws when the point is not on the curve). */
export function importEcPublicJwk(jwk: EcPublicJwk): KeyObject {
  return createPublicKey({ key: { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } as JsonWebKey, format: 'jwk' });
}

/** The uncompressed point 04‖x‖y, as node's ECDH takes a peer's public key. */
export function uncompressedPoint(jwk: EcPublicJwk): Buffer {
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
}

/** node:crypto's name of each curve (for createECDH). */
export const OPENSSL_CURVE: Readonly<Record<SingpassCurve, string>> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
};

/** Bytes of one coordinate of each curve. */
export const COORDINATE_BYTES: Readonly<Record<SingpassCurve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
