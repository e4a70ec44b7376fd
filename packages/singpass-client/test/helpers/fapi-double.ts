/**
 * A Singpass FAPI 2.0 test double for the SDK's own tests: a small HTTP server that checks what a
 * relying party sends (client assertions, DPoP proofs with one key per login, PKCE, single-use
 * request URIs and codes) and signs and encrypts whatever a test asks for — forged signatures,
 * other keys, other `enc`, wrong claims, plain tokens, DPoP-Nonce challenges, server errors. The
 * real provider (packages/provider, `/fapi`) is tested separately over HTTP; this double exists
 * for the cases a correct provider never produces.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  CompactEncrypt,
  CompactSign,
  EmbeddedJWK,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
} from 'jose';
import { generateKeys, type EcJwk, type Jwks } from '../../src/index.ts';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function makeSigningKey(kid: string, alg = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg } };
}

/** How to sign a JWS: with which key, kid and alg header, and extra header members. */
export interface SignOptions {
  key?: SigningKey;
  kid?: string | null;
  header?: Record<string, unknown>;
}

/** How to encrypt a JWE: to which public key (default the client's enc key), with which alg/enc/kid. */
export interface EncryptOptions {
  /** Send the JWS as is, unencrypted. */
  plain?: boolean;
  to?: JWK;
  alg?: string;
  enc?: string;
  kid?: string | null;
  cty?: string | null;
}

export interface DoubleHooks {
  /** Changes the ID token's claims before signing. */
  idTokenClaims?: (claims: Record<string, unknown>) => Record<string, unknown>;
  idTokenSign?: SignOptions;
  idTokenEncrypt?: EncryptOptions;
  /** Replaces the ID token outright (after signing/encryption), given the honest one. */
  idToken?: (honest: string, tools: DoubleTools) => Promise<string> | string;
  userinfoClaims?: (claims: Record<string, unknown>) => Record<string, unknown>;
  userinfoSign?: SignOptions;
  userinfoEncrypt?: EncryptOptions;
  userinfoContentType?: string;
  /** Changes the token response body. */
  tokenBody?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Answers the next N requests to an endpoint with this error (then behaves). */
  fail?: Partial<Record<'par' | 'token' | 'userinfo' | 'jwks' | 'discovery', { times: number; status: number; error?: string; retryAfter?: string }>>;
  /** Demand a DPoP nonce: the first proof without the current nonce is refused with use_dpop_nonce. */
  dpopNonce?: boolean;
}

export interface DoubleTools {
  sign(payload: Record<string, unknown>, options?: SignOptions): Promise<string>;
  encrypt(jws: string, options?: EncryptOptions): Promise<string>;
}

export interface RecordedRequest {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  form?: URLSearchParams;
  dpop?: { header: Record<string, unknown>; payload: Record<string, unknown>; jkt: string };
  assertion?: { header: Record<string, unknown>; payload: Record<string, unknown> };
}

export interface FapiDouble {
  url: string;
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** The client's private JWKS (the SDK's `keys`). */
  clientKeys: Jwks;
  /** Keys published in the JWKS. */
  published: SigningKey[];
  /** Key the next tokens are signed with. */
  signWith: SigningKey;
  /** An ES256 key Singpass does not publish (for forgeries). */
  attacker: SigningKey;
  hooks: DoubleHooks;
  /** The person released to userinfo. */
  personInfo: Record<string, unknown>;
  sub: string;
  subAttributes: Record<string, unknown>;
  requests: RecordedRequest[];
  hits: Record<string, number>;
  tools: DoubleTools;
  /** Publishes a new signing key and signs with it from now on. */
  rotateSigningKey(): Promise<SigningKey>;
  /** Follows an authorization URL as the browser would, approving at once: the callback URL. */
  approve(url: string): Promise<string>;
  close(): Promise<void>;
}

export interface DoubleOptions {
  appType?: 'login' | 'myinfo';
  /** Base path of the issuer. Default `/fapi`. */
  issuerPath?: string;
  personInfo?: Record<string, unknown>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

const b64u = (b: Buffer) => b.toString('base64url');
const random = () => b64u(randomBytes(24));
const now = () => Math.floor(Date.now() / 1000);

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

/** A Myinfo v5 person with every shape the SDK types (value, coded, SG address, phone, records, unavailable). */
export function samplePersonInfo(): Record<string, unknown> {
  const meta = { classification: 'C', source: '1', lastupdated: '2024-09-26' };
  return {
    uinfin: { ...meta, value: 'S9000001B' },
    name: { ...meta, value: 'SOH HAO FENG' },
    sex: { ...meta, code: 'F', desc: 'FEMALE' },
    dob: { ...meta, value: '1998-06-06' },
    nationality: { ...meta, code: 'SG', desc: 'SINGAPORE CITIZEN' },
    residentialstatus: { ...meta, code: 'C', desc: 'CITIZEN' },
    email: { ...meta, source: '2', value: 'hao.feng@example.com' },
    mobileno: { ...meta, source: '2', areacode: { value: '65' }, prefix: { value: '+' }, nbr: { value: '97399245' } },
    regadd: {
      ...meta,
      type: 'SG',
      block: { value: '102' },
      building: { value: 'PEARL GARDEN' },
      floor: { value: '09' },
      unit: { value: '128' },
      street: { value: 'BEDOK NORTH AVENUE 4' },
      postal: { value: '460102' },
      country: { code: 'SG', desc: 'SINGAPORE' },
    },
    hdbtype: { ...meta, unavailable: true },
    childrenbirthrecords: [
      {
        ...meta,
        birthcertno: { value: 'T1512074B' },
        name: { value: 'SOH KAI XUAN' },
        sex: { code: 'F', desc: 'FEMALE' },
        dob: { value: '2015-04-20' },
        lifestatus: { code: 'A', desc: 'ALIVE' },
      },
    ],
  };
}

export async function startFapiDouble(options: DoubleOptions = {}): Promise<FapiDouble> {
  const appType = options.appType ?? 'myinfo';
  const issuerPath = options.issuerPath ?? '/fapi';
  const { privateJwks } = await generateKeys();
  const clientPublic = createLocalJWKSet({ keys: privateJwks.keys.map(({ d: _d, ...pub }) => pub as JWK) });
  const clientEnc = privateJwks.keys.find((k) => k.use === 'enc')!;
  const providerEnc = await generateKeyPair('ECDH-ES+A256KW', { extractable: true });
  const providerEncJwk = { ...(await exportJWK(providerEnc.publicKey)), kid: 'provider-enc', use: 'enc', alg: 'ECDH-ES+A256KW' };
  const k1 = await makeSigningKey('sp-sig-1');
  const seenJti = new Set<string>();
  const requestUris = new Map<string, { params: URLSearchParams; jkt: string; expires: number }>();
  const codes = new Map<string, { params: URLSearchParams; jkt: string; expires: number }>();
  const tokens = new Map<string, { jkt: string; sub: string }>();
  const currentNonce = random();
  let server: Server;

  const tools: DoubleTools = {
    async sign(payload, o = {}) {
      const key = o.key ?? double.signWith;
      const header: Record<string, unknown> = { alg: key.alg, typ: 'JWT', ...(o.kid === null ? {} : { kid: o.kid ?? key.kid }), ...o.header };
      return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
    },
    async encrypt(jws, o = {}) {
      if (o.plain) return jws;
      const to = o.to ?? clientEnc;
      const alg = o.alg ?? (to.alg as string) ?? 'ECDH-ES+A256KW';
      const header: Record<string, unknown> = { alg, enc: o.enc ?? 'A256CBC-HS512' };
      if (o.cty !== null) header.cty = o.cty ?? 'JWT';
      if (o.kid !== null) header.kid = o.kid ?? to.kid;
      const { d: _d, ...pub } = to as EcJwk;
      const key = await importJWK({ kty: pub.kty, crv: pub.crv, x: pub.x, y: pub.y } as JWK, alg);
      return new CompactEncrypt(new TextEncoder().encode(jws)).setProtectedHeader(header as { alg: string; enc: string }).encrypt(key);
    },
  };

  function endpoint(name: string): string {
    return `${double.issuer}/${name}`;
  }

  async function checkAssertion(form: URLSearchParams, record: RecordedRequest): Promise<void> {
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') throw new Refusal(401, 'invalid_client', 'client_assertion_type');
    const assertion = form.get('client_assertion');
    if (!assertion) throw new Refusal(401, 'invalid_client', 'no client_assertion');
    try {
      const { payload, protectedHeader } = await jwtVerify(assertion, clientPublic, { issuer: double.clientId, subject: double.clientId, audience: double.issuer, algorithms: ['ES256'], typ: 'JWT' });
      record.assertion = { header: protectedHeader as Record<string, unknown>, payload: payload as Record<string, unknown> };
      if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat > 120) throw new Error('exp more than 120 s after iat');
      if (typeof payload.jti !== 'string' || seenJti.has(payload.jti)) throw new Error('jti missing or replayed');
      seenJti.add(payload.jti);
    } catch (err) {
      throw new Refusal(401, 'invalid_client', `client assertion: ${(err as Error).message}`);
    }
    if (form.has('client_id') && form.get('client_id') !== double.clientId) throw new Refusal(401, 'invalid_client', 'client_id');
  }

  async function checkDpop(req: IncomingMessage, htm: string, htu: string, record: RecordedRequest, accessToken?: string): Promise<string> {
    const proof = req.headers['dpop'];
    if (typeof proof !== 'string') throw new Refusal(400, 'invalid_dpop_proof', 'no DPoP header');
    let jkt: string;
    try {
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'], maxTokenAge: 120, clockTolerance: 5 });
      jkt = await calculateJwkThumbprint(protectedHeader.jwk!);
      record.dpop = { header: protectedHeader as Record<string, unknown>, payload: payload as Record<string, unknown>, jkt };
      if (payload.htm !== htm || payload.htu !== htu) throw new Error(`htm/htu ${String(payload.htm)} ${String(payload.htu)}`);
      if (typeof payload.jti !== 'string' || seenJti.has(payload.jti)) throw new Error('jti missing or replayed');
      seenJti.add(payload.jti);
      if (protectedHeader.jwk && 'd' in protectedHeader.jwk) throw new Error('private key in jwk');
      if (accessToken !== undefined && payload.ath !== b64u(createHash('sha256').update(accessToken).digest())) throw new Error('ath');
      if (double.hooks.dpopNonce && payload.nonce !== currentNonce) {
        const headers = { 'dpop-nonce': currentNonce };
        if (accessToken !== undefined) throw new Refusal(401, 'use_dpop_nonce', 'nonce required', { ...headers, 'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="nonce required"' });
        throw new Refusal(400, 'use_dpop_nonce', 'nonce required', headers);
      }
    } catch (err) {
      if (err instanceof Refusal) throw err;
      throw new Refusal(400, 'invalid_dpop_proof', (err as Error).message);
    }
    return jkt;
  }

  function maybeFail(name: keyof NonNullable<DoubleHooks['fail']>): void {
    const f = double.hooks.fail?.[name];
    if (f && f.times > 0) {
      f.times--;
      throw new Refusal(f.status, f.error ?? '', 'injected failure', f.retryAfter ? { 'retry-after': f.retryAfter } : {});
    }
  }

  async function idToken(params: URLSearchParams): Promise<string> {
    const t = now();
    let claims: Record<string, unknown> = {
      iss: double.issuer,
      aud: double.clientId,
      sub: double.sub,
      sub_type: 'user',
      iat: t,
      exp: t + 600,
      nonce: params.get('nonce'),
      amr: ['pwd', 'otp-sms'],
      acr: 'urn:singpass:authentication:loa:2',
    };
    if (appType === 'login') claims.sub_attributes = double.subAttributes;
    if (double.hooks.idTokenClaims) claims = double.hooks.idTokenClaims(claims);
    const honest = await tools.encrypt(await tools.sign(claims, double.hooks.idTokenSign), double.hooks.idTokenEncrypt);
    return double.hooks.idToken ? double.hooks.idToken(honest, tools) : honest;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, double.url);
    const path = url.pathname.slice(issuerPath.length);
    const record: RecordedRequest = { path, method: req.method!, headers: req.headers };
    double.requests.push(record);
    double.hits[path] = (double.hits[path] ?? 0) + 1;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      if (!url.pathname.startsWith(issuerPath)) throw new Refusal(404, 'not_found', url.pathname);
      if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
        maybeFail('discovery');
        return json(200, {
          issuer: double.issuer,
          pushed_authorization_request_endpoint: endpoint('par'),
          authorization_endpoint: endpoint('auth'),
          token_endpoint: endpoint('token'),
          userinfo_endpoint: endpoint('userinfo'),
          jwks_uri: endpoint('jwks'),
          response_types_supported: ['code'],
          scopes_supported: ['openid'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
          id_token_signing_alg_values_supported: ['ES256'],
          userinfo_signing_alg_values_supported: ['ES256'],
          dpop_signing_alg_values_supported: ['ES256', 'ES384', 'ES512'],
        });
      }
      if (req.method === 'GET' && path === '/jwks') {
        maybeFail('jwks');
        return json(200, { keys: [...double.published.map((k) => k.jwk), providerEncJwk] });
      }
      if (req.method === 'POST' && path === '/par') {
        const form = new URLSearchParams(await readBody(req));
        record.form = form;
        maybeFail('par');
        const jkt = await checkDpop(req, 'POST', endpoint('par'), record);
        await checkAssertion(form, record);
        if (form.get('response_type') !== 'code') throw new Refusal(400, 'invalid_request', 'response_type');
        if (!form.get('scope')?.split(' ').includes('openid')) throw new Refusal(400, 'invalid_scope', 'openid');
        if (form.get('redirect_uri') !== double.redirectUri) throw new Refusal(400, 'invalid_request', 'redirect_uri');
        for (const p of ['state', 'nonce']) if (!/^[A-Za-z0-9/+_\-=.]{30,255}$/.test(form.get(p) ?? '')) throw new Refusal(400, 'invalid_request', p);
        if (form.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(form.get('code_challenge') ?? '')) throw new Refusal(400, 'invalid_request', 'PKCE');
        const context = form.get('authentication_context_type');
        if (appType === 'login' && !context) throw new Refusal(400, 'invalid_request', 'authentication_context_type is mandatory for Login apps');
        if (appType === 'myinfo' && (context || form.has('authentication_context_message'))) throw new Refusal(400, 'invalid_request', 'authentication_context_type and authentication_context_message can only be provided for Login apps');
        const requestUri = `urn:ietf:params:oauth:request_uri:${random()}`;
        requestUris.set(requestUri, { params: form, jkt, expires: Date.now() + 60_000 });
        return json(201, { request_uri: requestUri, expires_in: 60 });
      }
      if (req.method === 'GET' && path === '/auth') {
        const requestUri = url.searchParams.get('request_uri') ?? '';
        const par = requestUris.get(requestUri);
        requestUris.delete(requestUri);
        if (!par || par.expires < Date.now() || url.searchParams.get('client_id') !== double.clientId) throw new Refusal(400, 'invalid_request_uri', 'unknown request_uri');
        const code = random();
        codes.set(code, { params: par.params, jkt: par.jkt, expires: Date.now() + 60_000 });
        const to = new URL(par.params.get('redirect_uri')!);
        to.searchParams.set('code', code);
        to.searchParams.set('state', par.params.get('state')!);
        res.writeHead(302, { location: to.href });
        res.end();
        return;
      }
      if (req.method === 'POST' && path === '/token') {
        const form = new URLSearchParams(await readBody(req));
        record.form = form;
        maybeFail('token');
        const jkt = await checkDpop(req, 'POST', endpoint('token'), record);
        await checkAssertion(form, record);
        if (form.get('grant_type') !== 'authorization_code') throw new Refusal(400, 'unsupported_grant_type', 'grant_type');
        const code = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!code || code.expires < Date.now()) throw new Refusal(400, 'invalid_grant', 'unknown code');
        if (form.get('redirect_uri') !== code.params.get('redirect_uri')) throw new Refusal(400, 'invalid_grant', 'redirect_uri');
        if (b64u(createHash('sha256').update(form.get('code_verifier') ?? '').digest()) !== code.params.get('code_challenge')) throw new Refusal(400, 'invalid_grant', 'PKCE');
        if (jkt !== code.jkt) throw new Refusal(400, 'invalid_dpop_proof', 'DPoP key is not the one used at PAR');
        const accessToken = random();
        tokens.set(accessToken, { jkt, sub: double.sub });
        let body: Record<string, unknown> = { access_token: accessToken, token_type: 'DPoP', expires_in: 1800, id_token: await idToken(code.params) };
        if (double.hooks.tokenBody) body = double.hooks.tokenBody(body);
        return json(200, body, { 'cache-control': 'no-store' });
      }
      if (req.method === 'GET' && path === '/userinfo') {
        maybeFail('userinfo');
        const auth = req.headers.authorization ?? '';
        if (!auth.startsWith('DPoP ')) throw new Refusal(401, 'invalid_token', 'DPoP scheme required', { 'www-authenticate': 'DPoP error="invalid_token"' });
        const accessToken = auth.slice(5);
        const token = tokens.get(accessToken);
        if (!token) throw new Refusal(401, 'invalid_token', 'unknown token', { 'www-authenticate': 'DPoP error="invalid_token"' });
        const jkt = await checkDpop(req, 'GET', endpoint('userinfo'), record, accessToken);
        if (jkt !== token.jkt) throw new Refusal(401, 'invalid_dpop_proof', 'wrong key', { 'www-authenticate': 'DPoP error="invalid_dpop_proof"' });
        let claims: Record<string, unknown> = { person_info: double.personInfo, iss: double.issuer, sub: token.sub, aud: double.clientId, iat: now() };
        if (double.hooks.userinfoClaims) claims = double.hooks.userinfoClaims(claims);
        const jwe = await tools.encrypt(await tools.sign(claims, double.hooks.userinfoSign), { enc: 'A256GCM', ...double.hooks.userinfoEncrypt });
        res.writeHead(200, { 'content-type': double.hooks.userinfoContentType ?? 'application/jwt' });
        res.end(jwe);
        return;
      }
      throw new Refusal(404, 'not_found', path);
    } catch (err) {
      if (err instanceof Refusal) {
        if (err.status >= 500 && !err.error) {
          res.writeHead(err.status, { 'content-type': 'text/plain', ...err.headers });
          res.end("upstream failure");
          return;
        }
        const headers = { ...err.headers };
        if (path === '/userinfo' && !headers['www-authenticate'] && err.status === 401) headers['www-authenticate'] = `DPoP error="${err.error}"`;
        return json(err.status, { error: err.error, error_description: err.message }, headers);
      }
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String((err as Error).stack));
    }
  }

  const double: FapiDouble = {
    url: '',
    issuer: '',
    clientId: 'SINGPASSDOUBLECLIENT0123456789AB',
    redirectUri: 'http://localhost:3000/callback',
    clientKeys: privateJwks,
    published: [k1],
    signWith: k1,
    attacker: await makeSigningKey('sp-sig-1'),
    hooks: {},
    personInfo: options.personInfo ?? samplePersonInfo(),
    sub: 'a9865837-7bd7-46ac-bef4-42a76a946424',
    subAttributes: { account_type: 'standard', identity_number: 'S9000001B', identity_coi: 'SG', name: 'SOH HAO FENG' },
    requests: [],
    hits: {},
    tools,
    async rotateSigningKey() {
      const key = await makeSigningKey(`sp-sig-${double.published.length + 1}`);
      double.published.push(key);
      double.signWith = key;
      return key;
    },
    async approve(authorizationUrl) {
      const response = await fetch(authorizationUrl, { redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
      return location;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  double.issuer = `${double.url}${issuerPath}`;
  return double;
}
