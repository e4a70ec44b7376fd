/**
 * The portable backend: jose on WebCrypto, on every runtime. The Node backend (./node.ts) hands
 * anything it does not handle itself to these same functions.
 */
import { CompactSign, compactDecrypt, compactVerify, errors as joseErrors, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey } from 'jose';
import { CONTENT_KEY_BYTES, KEY_AGREEMENT_BITS, type CryptoBackend, type EcJwk, type JweDecrypter, type JwsSigner, type JwsVerifier, type SigningAlg } from './backend.js';
import { utf8 } from './bytes.js';

const KEY_AGREEMENTS = [...KEY_AGREEMENT_BITS.keys()];
const CONTENT_ENCRYPTIONS = [...CONTENT_KEY_BYTES.keys()];

/** The members jose's importJWK needs (no kid/use/alg, which would constrain the import). */
function keyMembers(jwk: EcJwk): EcJwk {
  const out: EcJwk = { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
  if (jwk.d !== undefined) out.d = jwk.d;
  return out;
}

function joseSigner(key: CryptoKey, alg: SigningAlg): JwsSigner {
  return {
    alg,
    sign: (header, payload) => new CompactSign(utf8(JSON.stringify(payload))).setProtectedHeader({ ...header, alg }).sign(key),
  };
}

/** A jose signer for a private EC JWK. */
export async function joseSignerFor(privateJwk: EcJwk, alg: SigningAlg): Promise<JwsSigner> {
  return joseSigner((await importJWK(keyMembers(privateJwk), alg)) as CryptoKey, alg);
}

/** A jose verifier for a public EC JWK. */
export async function joseVerifierFor(publicJwk: EcJwk, alg: SigningAlg): Promise<JwsVerifier> {
  const key = (await importJWK({ kty: 'EC', crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y }, alg)) as CryptoKey;
  return {
    alg,
    async verify(jws) {
      try {
        await compactVerify(jws, key, { algorithms: [alg] });
        return true;
      } catch (err) {
        if (err instanceof joseErrors.JWSSignatureVerificationFailed) return false;
        throw err;
      }
    },
  };
}

/** A jose decrypter for a private EC JWK (ECDH-ES and ECDH-ES+A*KW; A256CBC-HS512 and A256GCM). */
export async function joseDecrypterFor(privateJwk: EcJwk): Promise<JweDecrypter> {
  const key = (await importJWK(keyMembers(privateJwk), 'ECDH-ES')) as CryptoKey;
  return {
    async decrypt(jwe) {
      const { plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: KEY_AGREEMENTS, contentEncryptionAlgorithms: CONTENT_ENCRYPTIONS });
      return plaintext;
    },
  };
}

export function webCryptoBackend(): CryptoBackend {
  return {
    name: 'webcrypto',
    signer: joseSignerFor,
    async generateDpopKey() {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = (await exportJWK(privateKey)) as EcJwk;
      return { jwk: keyMembers(jwk), signer: joseSigner(privateKey, 'ES256') };
    },
    verifier: joseVerifierFor,
    decrypter: joseDecrypterFor,
    async sha256(data) {
      return new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
    },
  };
}
