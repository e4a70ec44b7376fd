/**
 * A small in-process provider for the SDK's validation tests: it behaves like ours
 * (RS256 ID tokens with kid, RSA-OAEP-256 + A128GCMKW userinfo via sgid-protocol), and every
 * response can be bent by a test (claims, header, signing key, status, body).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { generateKeyPairSync, randomBytes, createHash } from 'node:crypto';
import { SignJWT, exportJWK, importPKCS8, importSPKI, type JWK } from 'jose';
import { encryptUserinfo, s256Challenge } from 'sgid-protocol';

export interface StubKeys {
  kid: string;
  privatePem: string;
  jwk: JWK;
}

export async function makeSigningKey(kid: string): Promise<StubKeys> {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const spki = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const jwk = { ...(await exportJWK(await importSPKI(spki, 'RS256', { extractable: true }))), kid, use: 'sig', alg: 'RS256' };
  return { kid, privatePem, jwk };
}

export interface StubOptions {
  values?: Record<string, string>;
}

export interface StubProvider {
  url: string;
  clientId: string;
  clientSecret: string;
  /** PKCS#8 PEM */
  privateKey: string;
  /** PKCS#1 PEM of the same key */
  privateKeyPkcs1: string;
  redirectUri: string;
  values: Record<string, string>;
  /** Keys currently published in the JWKS. */
  published: StubKeys[];
  /** Key the next ID tokens are signed with. */
  signWith: StubKeys;
  /** Requests seen, by path. */
  hits: Record<string, number>;
  /** Last token request body. */
  lastTokenForm?: URLSearchParams;
  /** Test hooks. */
  hooks: {
    claims?: (c: Record<string, unknown>) => Record<string, unknown>;
    header?: (h: Record<string, unknown>) => Record<string, unknown>;
    tokenResponse?: () => { status: number; body: string; headers?: Record<string, string> } | undefined;
    /** Changes the JSON of a successful token response (its ID token is already signed). */
    tokenBody?: (body: Record<string, unknown>) => Record<string, unknown>;
    /** Replaces the JWKS document. */
    jwks?: () => unknown;
    userinfoResponse?: (body: Record<string, unknown>) => { status: number; body: string; headers?: Record<string, string> } | undefined;
  };
  /** Runs authorize (auto-approve) and returns code and state. */
  authorize(url: string): Promise<{ code: string; state: string | null }>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

export async function startStubProvider(opts: StubOptions = {}): Promise<StubProvider> {
  const clientKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = clientKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const privateKeyPkcs1 = clientKeys.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const clientPublic = await importSPKI(clientKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'RSA-OAEP-256');
  const k1 = await makeSigningKey('key-1');
  const codes = new Map<string, { nonce: string | null; challenge: string; redirectUri: string; scope: string }>();
  const tokens = new Map<string, { scope: string; sub: string }>();
  let server: Server;
  const stub: StubProvider = {
    url: '',
    clientId: 'stub-client',
    clientSecret: 'stub-secret-0123456789abcdef0123',
    privateKey,
    privateKeyPkcs1,
    redirectUri: 'http://localhost:3000/callback',
    values: opts.values ?? {
      'myinfo.name': 'Tan Ah Kow 陈',
      'myinfo.email': 'ahkow@example.com',
      'myinfo.vehicles': '[{"vehicle_number":"SBA1234A"}]',
      'myinfo.is_age_above_18': 'true',
    },
    published: [k1],
    signWith: k1,
    hits: {},
    hooks: {},
    async authorize(url) {
      const res = await fetch(url, { redirect: 'manual' });
      const back = new URL(res.headers.get('location')!);
      return { code: back.searchParams.get('code')!, state: back.searchParams.get('state') };
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    stub.hits[url.pathname] = (stub.hits[url.pathname] ?? 0) + 1;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    try {
      if (url.pathname === '/v2/oauth/authorize') {
        const code = randomBytes(16).toString('base64url');
        const q = url.searchParams;
        codes.set(code, { nonce: q.get('nonce'), challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')!, scope: q.get('scope')! });
        const to = new URL(q.get('redirect_uri')!);
        to.searchParams.set('code', code);
        if (q.get('state') !== null) to.searchParams.set('state', q.get('state')!);
        res.writeHead(302, { location: to.toString() });
        return res.end();
      }
      if (url.pathname === '/v2/.well-known/jwks.json') return json(200, stub.hooks.jwks ? stub.hooks.jwks() : { keys: stub.published.map((k) => k.jwk) });
      if (url.pathname === '/v2/oauth/token') {
        const form = new URLSearchParams(await readBody(req));
        stub.lastTokenForm = form;
        const forced = stub.hooks.tokenResponse?.();
        if (forced) return json(forced.status, forced.body, forced.headers);
        if (form.get('client_id') !== stub.clientId || form.get('client_secret') !== stub.clientSecret) {
          return json(401, { error: 'invalid_client', error_description: 'client authentication failed' });
        }
        const saved = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!saved) return json(400, { error: 'invalid_grant', error_description: 'authorization code is invalid, expired or already used' });
        if ((await s256Challenge(form.get('code_verifier') ?? '')) !== saved.challenge) {
          return json(400, { error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' });
        }
        if (form.get('redirect_uri') !== saved.redirectUri) return json(400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
        const accessToken = randomBytes(24).toString('base64url');
        const sub = 'stub-sub-123';
        tokens.set(accessToken, { scope: saved.scope, sub });
        const now = Math.floor(Date.now() / 1000);
        let claims: Record<string, unknown> = { iss: `${stub.url}/v2`, sub, aud: stub.clientId, iat: now, exp: now + 300 };
        if (saved.nonce) claims.nonce = saved.nonce;
        claims.at_hash = createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
        if (stub.hooks.claims) claims = stub.hooks.claims(claims);
        let header: Record<string, unknown> = { alg: 'RS256', kid: stub.signWith.kid, typ: 'JWT' };
        if (stub.hooks.header) header = stub.hooks.header(header);
        const idToken = await new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(await importPKCS8(stub.signWith.privatePem, 'RS256'));
        const tokenBody = { access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: 300 };
        return json(200, stub.hooks.tokenBody ? stub.hooks.tokenBody(tokenBody) : tokenBody);
      }
      if (url.pathname === '/v2/oauth/userinfo') {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        const grant = tokens.get(token);
        if (!grant) {
          return json(401, { error: 'invalid_token', error_description: 'access token is invalid or expired' }, {
            'www-authenticate': 'Bearer error="invalid_token", error_description="access token is invalid or expired"',
          });
        }
        const scopes = grant.scope.split(' ').filter((s) => s !== 'openid');
        let body: Record<string, unknown> = { sub: grant.sub };
        if (scopes.length > 0) {
          const values: Record<string, string> = {};
          for (const s of scopes) values[s] = stub.values[s] ?? 'NA';
          const enc = await encryptUserinfo(values, clientPublic);
          body = { sub: grant.sub, key: enc.key, data: enc.data };
        }
        const forced = stub.hooks.userinfoResponse?.(body);
        if (forced) return json(forced.status, forced.body, forced.headers);
        return json(200, body);
      }
      json(404, { error: 'not_found' });
    } catch (err) {
      json(500, { error: 'server_error', error_description: String(err) });
    }
  });
  // Idle keep-alive sockets stay open for the whole test: Node's 5 s default races fetch's reuse
  // of a socket on a busy machine (a request sent as the server closes it: ECONNRESET).
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  stub.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return stub;
}
