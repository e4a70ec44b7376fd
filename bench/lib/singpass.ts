/**
 * One full Singpass FAPI 2.0 Myinfo login, as a relying party does it, fresh every time: a new
 * DPoP key pair, PKCE pair, state and nonce; PAR (client assertion + DPoP proof) → authorize
 * (automation mode: 302 with the code) → token (assertion + proof) → the ID token decrypted →
 * userinfo (proof with `ath`) → its answer decrypted. The relying party's crypto is synchronous
 * node:crypto, kept lean so that the load generator leaves the machine to the provider; it
 * checks what it decrypts (sub, nonce, the Myinfo items) but leaves the signature checks to the
 * SDK benches: the provider's CPU is what this measures.
 */
import { createDecipheriv, createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Login } from './load.js';
import { runCli } from './processes.js';

export const SINGPASS_SCOPE = 'openid uinfin name regadd';
export const SINGPASS_REDIRECT = 'http://127.0.0.1:9/callback';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const b64 = (b: Buffer) => b.toString('base64url');
const b64json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function jws(header: object, payload: object, key: KeyObject): string {
  const input = `${b64json(header)}.${b64json(payload)}`;
  return `${input}.${b64(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** Decrypts a compact ECDH-ES+A256KW JWE (A256CBC-HS512 or A256GCM) and returns the payload of the JWS inside. */
function openJwe(jwe: string, key: KeyObject): Record<string, unknown> {
  const [h, ek, ivB, ctB, tagB] = jwe.split('.') as [string, string, string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg: string; enc: string; epk: JsonWebKey };
  const z = diffieHellman({ privateKey: key, publicKey: createPublicKey({ key: header.epk, format: 'jwk' }) });
  const other = Buffer.concat([u32(header.alg.length), Buffer.from(header.alg), u32(0), u32(0), u32(256)]);
  const kek = createHash('sha256').update(u32(1)).update(z).update(other).digest();
  const unwrap = createDecipheriv('id-aes256-wrap', kek, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
  const cek = Buffer.concat([unwrap.update(Buffer.from(ek, 'base64url')), unwrap.final()]);
  const iv = Buffer.from(ivB, 'base64url');
  const ct = Buffer.from(ctB, 'base64url');
  const tag = Buffer.from(tagB, 'base64url');
  const aad = Buffer.from(h, 'ascii');
  let plain: Buffer;
  if (header.enc === 'A256GCM') {
    const d = createDecipheriv('aes-256-gcm', cek, iv);
    d.setAAD(aad);
    d.setAuthTag(tag);
    plain = Buffer.concat([d.update(ct), d.final()]);
  } else {
    const al = Buffer.alloc(8);
    al.writeBigUInt64BE(BigInt(aad.length * 8));
    const mac = createHmac('sha512', cek.subarray(0, 32)).update(aad).update(iv).update(ct).update(al).digest().subarray(0, 32);
    if (!mac.equals(tag)) throw new Error('JWE tag mismatch');
    const d = createDecipheriv('aes-256-cbc', cek.subarray(32), iv);
    plain = Buffer.concat([d.update(ct), d.final()]);
  }
  const inner = plain.toString().split('.')[1]!;
  return JSON.parse(Buffer.from(inner, 'base64url').toString()) as Record<string, unknown>;
}

export interface SingpassRpSetup {
  clientId: string;
  login: Login;
}

/**
 * Makes the RP's keys, registers it with the CLI (inline JWKS) on `storeArgs`, and returns its
 * login against the provider at `origin`. The first login runs before this returns: it proves
 * the whole path works before anything is measured.
 */
export async function singpassRp(origin: string, storeArgs: string[], dir: string): Promise<SingpassRpSetup> {
  const sig = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const enc = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwks = {
    keys: [
      { ...sig.publicKey.export({ format: 'jwk' }), kid: 'bench-sig', use: 'sig', alg: 'ES256' },
      { ...enc.publicKey.export({ format: 'jwk' }), kid: 'bench-enc', use: 'enc', alg: 'ECDH-ES+A256KW' },
    ],
  };
  const file = join(dir, `singpass-jwks-${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(jwks));
  const out = await runCli([
    'singpass', 'clients', 'create', '--name', 'Bench', '--app-type', 'myinfo', '--scope', SINGPASS_SCOPE,
    '--redirect-uri', SINGPASS_REDIRECT, '--jwks', file, '--json', ...storeArgs,
  ]);
  const clientId = (JSON.parse(out) as { id: string }).id;
  const issuer = `${origin}/fapi`;
  const url = (p: string) => `${issuer}${p}`;

  const assertion = () => {
    const iat = Math.floor(Date.now() / 1000);
    return jws({ alg: 'ES256', typ: 'JWT', kid: 'bench-sig' }, { iss: clientId, sub: clientId, aud: issuer, iat, exp: iat + 60, jti: randomUUID() }, sig.privateKey);
  };
  const post = async (path: string, form: Record<string, string>, dpop: string) => {
    const res = await fetch(url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as Record<string, string>;
    if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return body;
  };

  const login: Login = async () => {
    const dpopKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = dpopKey.publicKey.export({ format: 'jwk' });
    const proof = (htm: string, htu: string, ath?: string) => {
      const iat = Math.floor(Date.now() / 1000);
      return jws({ alg: 'ES256', typ: 'dpop+jwt', jwk }, { htm, htu, iat, exp: iat + 120, jti: randomUUID(), ...(ath ? { ath } : {}) }, dpopKey.privateKey);
    };
    const verifier = b64(randomBytes(32));
    const state = randomUUID();
    const nonce = randomUUID();
    const par = await post(
      '/par',
      {
        response_type: 'code',
        client_id: clientId,
        redirect_uri: SINGPASS_REDIRECT,
        scope: SINGPASS_SCOPE,
        state,
        nonce,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion(),
      },
      proof('POST', url('/par')),
    );
    const auth = await fetch(`${url('/auth')}?${new URLSearchParams({ client_id: clientId, request_uri: par['request_uri']! })}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await auth.arrayBuffer();
    const location = auth.headers.get('location') ?? '';
    const code = /[?&]code=([^&]+)/.exec(location)?.[1];
    if (auth.status !== 302 || !code) throw new Error(`authorize answered ${auth.status} ${location.slice(0, 200)}`);
    const tokens = await post(
      '/token',
      { grant_type: 'authorization_code', code: decodeURIComponent(code), redirect_uri: SINGPASS_REDIRECT, code_verifier: verifier, client_assertion_type: ASSERTION_TYPE, client_assertion: assertion() },
      proof('POST', url('/token')),
    );
    const claims = openJwe(tokens['id_token']!, enc.privateKey);
    if (claims['nonce'] !== nonce) throw new Error('ID token nonce mismatch');
    const at = tokens['access_token']!;
    const res = await fetch(url('/userinfo'), {
      headers: { authorization: `DPoP ${at}`, dpop: proof('GET', url('/userinfo'), createHash('sha256').update(at).digest('base64url')) },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`userinfo answered ${res.status}: ${text.slice(0, 300)}`);
    const info = openJwe(text, enc.privateKey) as { sub: string; person_info: Record<string, unknown> };
    if (info.sub !== claims['sub'] || Object.keys(info.person_info).length !== 3) throw new Error('userinfo does not match the ID token or the scopes');
  };
  await login();
  return { clientId, login };
}
