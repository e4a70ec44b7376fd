/**
 * A hand-driven Singpass relying party for the provider's tests: its own EC keys, client
 * assertions and DPoP proofs built with jose (an implementation independent of the provider's
 * node:crypto code), and each HTTP step of a FAPI 2.0 login — so that a test can break any one
 * thing on the wire and see the provider refuse exactly that.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, compactDecrypt, compactVerify, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK, JWTPayload, JWSHeaderParameters } from 'jose';
import { CLIENT_ASSERTION_TYPE } from 'sgid-protocol';
import type { SingpassAppType } from 'sgid-protocol';
import { createSingpassClient } from '../../src/portal/singpass-clients.js';
import type { SingpassClientRecord } from '../../src/store/types.js';
import { asJson } from './oauth.js';
import type { JsonResponse } from './oauth.js';
import type { TestProvider } from './provider.js';

export const RP_REDIRECT = 'http://localhost:3080/callback';

export interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function ecKeyPair(alg: 'ES256' | 'ES384' | 'ES512' | 'ECDH-ES', crv?: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(crv ? { crv } : {}) });
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

export interface RpOptions {
  appType?: SingpassAppType;
  scopes?: string;
  redirectUris?: string[];
  /** Serve the JWKS from this URL instead of registering it inline. */
  jwksUri?: string;
  acrValues?: string;
  legacyProfile?: 'direct' | 'direct_pii_allowed';
  /** The issuer path the RP talks to (default /fapi). */
  mount?: string;
}

const now = () => Math.floor(Date.now() / 1000);
const b64sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export class SingpassRp {
  readonly issuer: string;
  dpop!: KeyPair;
  /** Send requests to this origin instead of the issuer's (another process behind the same public URL). */
  sendTo: string | undefined;

  private constructor(
    readonly p: TestProvider,
    readonly client: SingpassClientRecord,
    readonly sig: KeyPair & { kid: string },
    readonly enc: KeyPair & { kid: string },
    mount: string,
  ) {
    this.issuer = `${p.url}${mount}`;
  }

  /** The public JWKS this RP registers (or serves at its jwksUri). */
  static jwksOf(sig: KeyPair & { kid: string }, enc: KeyPair & { kid: string }): { keys: JWK[] } {
    return {
      keys: [
        { ...sig.publicJwk, kid: sig.kid, use: 'sig', alg: 'ES256' },
        { ...enc.publicJwk, kid: enc.kid, use: 'enc', alg: 'ECDH-ES+A256KW' },
      ],
    };
  }

  static async keys(): Promise<{ sig: KeyPair & { kid: string }; enc: KeyPair & { kid: string } }> {
    return { sig: { ...(await ecKeyPair('ES256')), kid: `sig-${randomUUID()}` }, enc: { ...(await ecKeyPair('ECDH-ES', 'P-256')), kid: `enc-${randomUUID()}` } };
  }

  static async register(p: TestProvider, opts: RpOptions = {}, keys?: Awaited<ReturnType<typeof SingpassRp.keys>>): Promise<SingpassRp> {
    const { sig, enc } = keys ?? (await SingpassRp.keys());
    const appType = opts.appType ?? 'myinfo';
    const client = await createSingpassClient(p.store, {
      name: `Test ${appType} app`,
      description: 'Registered by a test',
      appType,
      scopes: opts.scopes ?? (appType === 'myinfo' ? 'openid uinfin name dob regadd mobileno email sex' : 'openid user.identity name email mobileno'),
      redirectUris: opts.redirectUris ?? [RP_REDIRECT],
      ...(opts.jwksUri ? { jwksUri: opts.jwksUri } : { jwks: SingpassRp.jwksOf(sig, enc) }),
      ...(opts.acrValues ? { acrValues: opts.acrValues } : {}),
      ...(opts.legacyProfile ? { legacyProfile: opts.legacyProfile } : {}),
    });
    const rp = new SingpassRp(p, client, sig, enc, opts.mount ?? '/fapi');
    rp.dpop = await ecKeyPair('ES256');
    return rp;
  }

  url(path: string): string {
    return `${this.issuer}${path}`;
  }

  /** Where a request for `path` goes: the issuer's URL, or the same path at `sendTo`. */
  target(path: string): string {
    const u = this.url(path);
    return this.sendTo ? u.replace(new URL(this.issuer).origin, this.sendTo) : u;
  }

  /** A client assertion; `claims`/`header` override (a value of undefined removes the member). */
  async assertion(
    over: { claims?: Record<string, unknown>; header?: Record<string, unknown>; key?: CryptoKey; aud?: string } = {},
  ): Promise<string> {
    const t = now();
    const claims: Record<string, unknown> = { iss: this.client.id, sub: this.client.id, aud: over.aud ?? this.issuer, iat: t, exp: t + 60, jti: randomUUID(), ...over.claims };
    const header: Record<string, unknown> = { alg: 'ES256', typ: 'JWT', kid: this.sig.kid, ...over.header };
    return sign(claims, header, over.key ?? this.sig.privateKey);
  }

  /** A DPoP proof for `htm htu`; `claims`/`header` override. */
  async proof(
    htm: string,
    htu: string,
    over: { claims?: Record<string, unknown>; header?: Record<string, unknown>; key?: KeyPair; accessToken?: string } = {},
  ): Promise<string> {
    const key = over.key ?? this.dpop;
    const t = now();
    const claims: Record<string, unknown> = {
      htm,
      htu,
      iat: t,
      exp: t + 120,
      jti: randomUUID(),
      ...(over.accessToken !== undefined ? { ath: b64sha256(over.accessToken) } : {}),
      ...over.claims,
    };
    const header: Record<string, unknown> = { alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk, ...over.header };
    return sign(claims, header, key.privateKey);
  }

  async jkt(key: KeyPair = this.dpop): Promise<string> {
    return calculateJwkThumbprint(key.publicJwk, 'sha256');
  }

  /** The PAR form of a valid request, with overrides (null removes a field). */
  async parForm(over: Record<string, string | null> = {}): Promise<{ form: Record<string, string>; verifier: string; state: string; nonce: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomUUID();
    const nonce = randomUUID();
    const base: Record<string, string | null> = {
      response_type: 'code',
      client_id: this.client.id,
      redirect_uri: this.client.redirectUris[0]!,
      scope: this.client.scopes.join(' '),
      state,
      nonce,
      code_challenge: b64sha256(verifier),
      code_challenge_method: 'S256',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await this.assertion(),
      ...(this.client.appType === 'login' ? { authentication_context_type: 'APP_AUTHENTICATION_DEFAULT' } : {}),
      ...over,
    };
    const form = Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== null));
    return { form, verifier, state: form['state'] ?? state, nonce: form['nonce'] ?? nonce };
  }

  async post(path: string, form: Record<string, string> | [string, string][] | string, headers: Record<string, string> = {}): Promise<JsonResponse> {
    const res = await fetch(this.target(path), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
    });
    return asJson(res);
  }

  /** PAR with a fresh valid proof unless `dpop` is given (null: no DPoP header). */
  async par(form: Record<string, string> | [string, string][] | string, dpop?: string | null, headers: Record<string, string> = {}): Promise<JsonResponse> {
    const proof = dpop === undefined ? await this.proof('POST', this.url('/par')) : dpop;
    return this.post('/par', form, { ...(proof !== null ? { dpop: proof } : {}), ...headers });
  }

  /** GET the authorization URL; returns the status and the Location (auto-approve: a 302 with the code). */
  async authorize(requestUri: string, extra: Record<string, string> = {}, clientId = this.client.id): Promise<{ status: number; location: URL | null; html: string }> {
    const q = new URLSearchParams({ client_id: clientId, request_uri: requestUri, ...extra });
    const res = await fetch(`${this.target('/auth')}?${q}`, { redirect: 'manual' });
    const loc = res.headers.get('location');
    return { status: res.status, location: loc ? new URL(loc) : null, html: await res.text() };
  }

  /** PAR + authorize in automation mode: the code and what the token request needs. */
  async code(over: Record<string, string | null> = {}): Promise<{ code: string; verifier: string; state: string; nonce: string; redirectUri: string }> {
    const { form, verifier, state, nonce } = await this.parForm(over);
    const par = await this.par(form);
    assert.equal(par.status, 201, par.text);
    const auth = await this.authorize(par.body['request_uri'] as string);
    assert.equal(auth.status, 302, auth.html.slice(0, 500));
    assert.equal(auth.location!.searchParams.get('state'), state);
    const code = auth.location!.searchParams.get('code');
    assert.ok(code, auth.location!.href);
    return { code, verifier, state, nonce, redirectUri: form['redirect_uri']! };
  }

  async tokenForm(code: string, verifier: string, over: Record<string, string | null> = {}): Promise<Record<string, string>> {
    const base: Record<string, string | null> = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.client.redirectUris[0]!,
      code_verifier: verifier,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await this.assertion(),
      ...over,
    };
    return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== null));
  }

  async token(form: Record<string, string> | string, dpop?: string | null): Promise<JsonResponse> {
    const proof = dpop === undefined ? await this.proof('POST', this.url('/token')) : dpop;
    return this.post('/token', form, proof !== null ? { dpop: proof } : {});
  }

  /** A whole automation-mode login to tokens. */
  async tokens(over: Record<string, string | null> = {}): Promise<{ access_token: string; id_token: string; nonce: string; state: string }> {
    const c = await this.code(over);
    const r = await this.token(await this.tokenForm(c.code, c.verifier));
    assert.equal(r.status, 200, r.text);
    return { access_token: r.body['access_token'] as string, id_token: r.body['id_token'] as string, nonce: c.nonce, state: c.state };
  }

  async userinfo(accessToken: string, opts: { scheme?: string; dpop?: string | null; method?: 'GET' | 'POST' } = {}): Promise<{ status: number; headers: Headers; text: string; body: Record<string, unknown> }> {
    const method = opts.method ?? 'GET';
    const proof = opts.dpop === undefined ? await this.proof(method, this.url('/userinfo'), { accessToken }) : opts.dpop;
    const res = await fetch(this.target('/userinfo'), {
      method,
      headers: { authorization: `${opts.scheme ?? 'DPoP'} ${accessToken}`, ...(proof !== null ? { dpop: proof } : {}) },
    });
    return asJson(res);
  }

  /** Decrypts a JWE with this RP's key and verifies the inner JWS with the provider's JWKS. */
  async open(jwe: string): Promise<{ header: Record<string, unknown>; innerHeader: JWSHeaderParameters; payload: JWTPayload & Record<string, unknown> }> {
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, this.enc.privateKey);
    const jwks = (await (await fetch(this.target('/.well-known/keys'))).json()) as { keys: JWK[] };
    const { payload, protectedHeader: innerHeader } = await compactVerify(new TextDecoder().decode(plaintext), createLocalJWKSet(jwks));
    return { header: protectedHeader as Record<string, unknown>, innerHeader, payload: JSON.parse(new TextDecoder().decode(payload)) };
  }
}

/** Signs any header and claims as a compact JWS (members set to undefined are dropped). */
export async function sign(claims: Record<string, unknown>, header: Record<string, unknown>, key: CryptoKey): Promise<string> {
  const h = Object.fromEntries(Object.entries(header).filter(([, v]) => v !== undefined)) as JWSHeaderParameters & { alg: string };
  const c = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(c).setProtectedHeader(h).sign(key);
}

/** Asserts an OAuth JSON error with its status and code, and no WWW-Authenticate (PAR, token). */
export function assertSingpassError(r: JsonResponse, status: number, error: string, pattern?: RegExp): void {
  assert.equal(r.status, status, `status ${r.status}: ${r.text}`);
  assert.equal(r.body['error'], error, r.text);
  assert.equal(typeof r.body['error_description'], 'string', r.text);
  if (pattern) assert.match(r.body['error_description'] as string, pattern);
  assert.equal(r.headers.get('www-authenticate'), null, 'no WWW-Authenticate on PAR and token errors');
  assert.equal(r.headers.get('cache-control'), 'no-store');
}

/**
 * A compact JWS whose header says whatever the test wants (even an `alg` that does not match
 * the key, or "none"), signed with ECDSA over SHA-`bits` by `key` — or not at all.
 */
export async function signRaw(claims: Record<string, unknown>, header: Record<string, unknown>, key: CryptoKey | null, hash: 'SHA-256' | 'SHA-384' | 'SHA-512' = 'SHA-256'): Promise<string> {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc(header)}.${enc(claims)}`;
  if (key === null) return `${input}.`;
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash }, key as unknown as globalThis.CryptoKey, Buffer.from(input));
  return `${input}.${Buffer.from(sig).toString('base64url')}`;
}
