/**
 * SingpassClient against the FAPI test double: the whole login for Login and Myinfo apps, what
 * goes on the wire (PAR parameters, client assertion, one DPoP key per login, ath), and the
 * answers an SDK must refuse.
 */
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeys, SingpassClient, SingpassError, type SingpassClientOptions, type SingpassTokens } from '../src/index.ts';
import { makeSigningKey, startFapiDouble, type FapiDouble } from './helpers/fapi-double.ts';
import { rejectsWith } from './helpers/assert-error.ts';

function clientFor(double: FapiDouble, options: Partial<SingpassClientOptions> = {}): SingpassClient {
  return new SingpassClient({
    issuer: double.issuer,
    clientId: double.clientId,
    keys: double.clientKeys,
    redirectUri: double.redirectUri,
    allowHttpLoopback: true,
    retry: { baseDelayMs: 1 },
    ...options,
  });
}

/** A full login up to the tokens. */
async function login(double: FapiDouble, client: SingpassClient): Promise<SingpassTokens> {
  const { url, session } = await client.authorizationUrl();
  return client.callback(await double.approve(url), session);
}

const rejects = rejectsWith;

describe('Myinfo app against the test double', () => {
  let double: FapiDouble;
  let client: SingpassClient;
  before(async () => {
    double = await startFapiDouble({ appType: 'myinfo' });
    client = clientFor(double, { appType: 'myinfo', scope: 'openid uinfin name' });
  });
  after(() => double.close());

  it('logs in and returns the checked ID token claims and the Myinfo data', async () => {
    const tokens = await login(double, client);
    assert.equal(tokens.sub, double.sub);
    assert.equal(tokens.tokenType, 'DPoP');
    assert.deepEqual(tokens.amr, ['pwd', 'otp-sms']);
    assert.equal(tokens.acr, 'urn:singpass:authentication:loa:2');
    assert.equal(tokens.subType, 'user');
    assert.deepEqual(tokens.subAttributes, {});
    assert.equal(tokens.idToken.split('.').length, 5);
    const { personInfo, sub, claims } = await client.userinfo(tokens);
    assert.equal(sub, double.sub);
    assert.equal(claims.iss, double.issuer);
    assert.deepEqual(personInfo, double.personInfo);
    assert.equal(personInfo.name?.value, 'SOH HAO FENG');
  });

  it('sends a PAR without Login-app parameters, a client assertion and a fresh DPoP key per login', async () => {
    double.requests.length = 0;
    await client.userinfo(await login(double, client));
    await login(double, client);
    const par = double.requests.filter((r) => r.path === '/par');
    const token = double.requests.filter((r) => r.path === '/token');
    const userinfo = double.requests.find((r) => r.path === '/userinfo')!;
    assert.equal(par.length, 2);
    const form = par[0]!.form!;
    assert.equal(form.get('authentication_context_type'), null);
    assert.equal(form.get('scope'), 'openid uinfin name');
    assert.equal(form.get('code_challenge_method'), 'S256');
    assert.ok(form.get('nonce')!.length >= 30 && form.get('state')!.length >= 30);
    // One DPoP key per login, the same from PAR to userinfo; another for the next login.
    assert.equal(par[0]!.dpop!.jkt, token[0]!.dpop!.jkt);
    assert.equal(userinfo.dpop!.jkt, par[0]!.dpop!.jkt);
    assert.notEqual(par[1]!.dpop!.jkt, par[0]!.dpop!.jkt);
    assert.equal(typeof userinfo.dpop!.payload.ath, 'string');
    assert.equal(userinfo.headers.authorization!.toString().split(' ')[0], 'DPoP');
    // The DPoP key is never the client's signing key.
    const signingKey = double.clientKeys.keys.find((k) => k.use === 'sig')!;
    assert.notEqual((par[0]!.dpop!.header.jwk as { x: string }).x, signingKey.x);
    // Client assertion: ES256 with kid and typ, aud = issuer, 60 s, unique jti.
    const a = par[0]!.assertion!;
    assert.deepEqual([a.header.alg, a.header.typ, a.header.kid], ['ES256', 'JWT', signingKey.kid]);
    assert.equal(a.payload.aud, double.issuer);
    assert.equal((a.payload.exp as number) - (a.payload.iat as number), 60);
    assert.notEqual(a.payload.jti, token[0]!.assertion!.payload.jti);
  });

  it('accepts userinfo encrypted with A256CBC-HS512 as well as A256GCM, under another content type', async () => {
    double.hooks = { userinfoEncrypt: { enc: 'A256CBC-HS512' }, userinfoContentType: 'application/jose' };
    try {
      const { personInfo } = await client.userinfo(await login(double, client));
      assert.equal(personInfo.uinfin?.value, 'S9000001B');
    } finally {
      double.hooks = {};
    }
  });

  it('accepts an ID token encrypted with A256GCM', async () => {
    double.hooks = { idTokenEncrypt: { enc: 'A256GCM' } };
    try {
      assert.equal((await login(double, client)).sub, double.sub);
    } finally {
      double.hooks = {};
    }
  });

  it('refuses userinfo for another sub', async () => {
    const tokens = await login(double, client);
    double.hooks = { userinfoClaims: (c) => ({ ...c, sub: 'someone-else' }) };
    try {
      await rejects(client.userinfo(tokens), 'ERR_SUB_MISMATCH', 'SingpassUserinfoError');
    } finally {
      double.hooks = {};
    }
  });

  for (const [what, hooks, code] of [
    ['signed by a key Singpass does not publish', { userinfoSign: { key: undefined as never } }, 'ERR_USERINFO_SIGNATURE'],
    ['for another audience', { userinfoClaims: (c: Record<string, unknown>) => ({ ...c, aud: 'another-client' }) }, 'ERR_USERINFO_AUDIENCE'],
    ['from another issuer', { userinfoClaims: (c: Record<string, unknown>) => ({ ...c, iss: 'https://evil.example' }) }, 'ERR_USERINFO_ISSUER'],
    ['without person_info', { userinfoClaims: ({ person_info: _p, ...c }: Record<string, unknown>) => c }, 'ERR_USERINFO_MALFORMED'],
    ['not encrypted', { userinfoEncrypt: { plain: true } }, 'ERR_USERINFO_NOT_ENCRYPTED'],
  ] as const) {
    it(`refuses a userinfo answer ${what}`, async () => {
      const tokens = await login(double, client);
      double.hooks = { ...hooks } as never;
      if (what.startsWith('signed')) double.hooks.userinfoSign = { key: double.attacker };
      try {
        await rejects(client.userinfo(tokens), code);
      } finally {
        double.hooks = {};
      }
    });
  }

  it('refuses Login-app parameters', async () => {
    await rejects(client.authorizationUrl({ authenticationContextType: 'APP_AUTHENTICATION_DEFAULT' }), 'ERR_APP_TYPE', 'SingpassConfigError');
  });
});

describe('Login app against the test double', () => {
  let double: FapiDouble;
  let client: SingpassClient;
  before(async () => {
    double = await startFapiDouble({ appType: 'login' });
    client = clientFor(double, { scope: ['openid', 'user.identity', 'name'] });
  });
  after(() => double.close());

  it('sends authentication_context_type and message, and exposes sub_attributes', async () => {
    double.requests.length = 0;
    const { url, session } = await client.authorizationUrl({ authenticationContextType: 'APP_PAYMENT_DEFAULT', authenticationContextMessage: "Pay 10 dollars to Kopi (Pte) Ltd's shop!" });
    const form = double.requests.find((r) => r.path === '/par')!.form!;
    assert.equal(form.get('authentication_context_type'), 'APP_PAYMENT_DEFAULT');
    assert.equal(form.get('authentication_context_message'), "Pay 10 dollars to Kopi (Pte) Ltd's shop!");
    const tokens = await client.callback(await double.approve(url), session);
    assert.deepEqual(tokens.subAttributes, double.subAttributes);
  });

  it('defaults to APP_AUTHENTICATION_DEFAULT', async () => {
    double.requests.length = 0;
    await login(double, client);
    assert.equal(double.requests.find((r) => r.path === '/par')!.form!.get('authentication_context_type'), 'APP_AUTHENTICATION_DEFAULT');
  });

  it('has no userinfo, and says where the attributes are', async () => {
    const err = await rejects(client.userinfo(await login(double, client)), 'ERR_APP_TYPE');
    assert.match(err.hint, /subAttributes/);
  });

  it('refuses a context message Singpass would refuse, before any request', async () => {
    await rejects(client.authorizationUrl({ authenticationContextMessage: 'Pay <b>now</b>' }), 'ERR_INVALID_ARGUMENT');
  });
});

describe('ID token checks', () => {
  let double: FapiDouble;
  let client: SingpassClient;
  before(async () => {
    double = await startFapiDouble({ appType: 'login' });
    client = clientFor(double);
  });
  after(() => double.close());

  async function refusedWith(hooks: FapiDouble['hooks'], code: string): Promise<SingpassError> {
    double.hooks = hooks;
    try {
      return await rejects(login(double, client), code);
    } finally {
      double.hooks = {};
    }
  }

  it('refuses a forged ID token: signed by another key under Singpass’s kid', async () => {
    await refusedWith({ idTokenSign: { key: double.attacker } }, 'ERR_ID_TOKEN_SIGNATURE');
  });

  it('refuses a re-encrypted ID token: the honest one with its claims changed, encrypted again to our public key', async () => {
    await refusedWith(
      {
        idToken: async (honest) => {
          // Anyone can encrypt to the client's public key: decrypt the honest token (as the
          // client could), swap the sub, keep the signature, encrypt again.
          const { compactDecrypt, importJWK } = await import('jose');
          const enc = double.clientKeys.keys.find((k) => k.use === 'enc')!;
          const { plaintext } = await compactDecrypt(honest, await importJWK(enc, 'ECDH-ES+A256KW'));
          const [h, p, s] = new TextDecoder().decode(plaintext).split('.');
          const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
          const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'victim-uuid' })).toString('base64url')}.${s}`;
          return double.tools.encrypt(forged);
        },
      },
      'ERR_ID_TOKEN_SIGNATURE',
    );
  });

  it('refuses an unencrypted ID token', async () => {
    await refusedWith({ idTokenEncrypt: { plain: true } }, 'ERR_ID_TOKEN_NOT_ENCRYPTED');
  });

  it('refuses an ID token encrypted to a key that is not ours', async () => {
    const { privateJwks } = await generateKeys();
    const other = privateJwks.keys.find((k) => k.use === 'enc')!;
    await refusedWith({ idTokenEncrypt: { to: other } }, 'ERR_ID_TOKEN_DECRYPT');
    // Same, but claiming our kid: decryption fails on the key agreement.
    const ours = double.clientKeys.keys.find((k) => k.use === 'enc')!;
    await refusedWith({ idTokenEncrypt: { to: other, kid: ours.kid! } }, 'ERR_ID_TOKEN_DECRYPT');
  });

  it('refuses an ID token with another content encryption or key agreement', async () => {
    await refusedWith({ idTokenEncrypt: { enc: 'A128GCM' } }, 'ERR_ID_TOKEN_DECRYPT');
    await refusedWith({ idTokenEncrypt: { alg: 'ECDH-ES+A128KW' } }, 'ERR_ID_TOKEN_DECRYPT');
  });

  it('refuses an ID token signed with another alg', async () => {
    const es384 = await makeSigningKey(double.signWith.kid, 'ES384');
    await refusedWith({ idTokenSign: { key: es384 } }, 'ERR_ID_TOKEN_ALG');
    await refusedWith({ idToken: async (_honest, tools) => tools.encrypt(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: double.sub })).toString('base64url')}.`) }, 'ERR_ID_TOKEN_ALG');
  });

  for (const [what, change, code] of [
    ['for another audience', { aud: 'another-client' }, 'ERR_ID_TOKEN_AUDIENCE'],
    ['from another issuer', { iss: 'https://id.singpass.gov.sg/fapi' }, 'ERR_ID_TOKEN_ISSUER'],
    ['with another nonce', { nonce: 'n'.repeat(32) }, 'ERR_ID_TOKEN_NONCE'],
    ['without a nonce', { nonce: undefined }, 'ERR_ID_TOKEN_CLAIM_MISSING'],
    ['that has expired', { exp: Math.floor(Date.now() / 1000) - 120 }, 'ERR_ID_TOKEN_EXPIRED'],
    ['issued in the future', { iat: Math.floor(Date.now() / 1000) + 600, exp: Math.floor(Date.now() / 1000) + 1200 }, 'ERR_ID_TOKEN_IAT'],
    ['without iat', { iat: undefined }, 'ERR_ID_TOKEN_CLAIM_MISSING'],
    ['without sub', { sub: undefined }, 'ERR_ID_TOKEN_CLAIM_MISSING'],
  ] as const) {
    it(`refuses an ID token ${what}`, async () => {
      await refusedWith({ idTokenClaims: (c) => ({ ...c, ...change }) }, code);
    });
  }

  it('refuses a Bearer token', async () => {
    await refusedWith({ tokenBody: (b) => ({ ...b, token_type: 'Bearer' }) }, 'ERR_TOKEN_TYPE');
  });
});

describe('Singpass signing keys', () => {
  // Each test has its own double: an unknown kid spends the refetch allowed per minute.
  let double: FapiDouble;
  let client: SingpassClient;
  beforeEach(async () => {
    double = await startFapiDouble({ appType: 'login' });
    client = clientFor(double);
  });
  afterEach(() => double.close());

  it('refuses an ID token signed with a kid Singpass does not publish, after one JWKS refetch a minute', async () => {
    await login(double, client); // JWKS cached
    const stranger = await makeSigningKey('unknown-kid');
    double.hooks = { idTokenSign: { key: stranger } };
    try {
      const err = await rejects(login(double, client), 'ERR_JWKS_NO_MATCHING_KEY');
      assert.equal(err.name, 'SingpassIdTokenError');
      assert.equal(double.hits['/jwks'], 2, 'one refetch');
      await rejects(login(double, client), 'ERR_JWKS_NO_MATCHING_KEY');
      assert.equal(double.hits['/jwks'], 2, 'no second refetch within the minute');
    } finally {
      double.hooks = {};
    }
  });

  it('follows a signing key rotation with one JWKS refetch', async () => {
    await login(double, client); // JWKS cached
    const before = double.hits['/jwks'] ?? 0;
    await double.rotateSigningKey();
    assert.equal((await login(double, client)).sub, double.sub);
    assert.equal((double.hits['/jwks'] ?? 0) - before, 1);
  });
});

describe('callback', () => {
  let double: FapiDouble;
  let client: SingpassClient;
  before(async () => {
    double = await startFapiDouble({ appType: 'login' });
    client = clientFor(double);
  });
  after(() => double.close());

  it('refuses another login’s state before any request', async () => {
    const first = await client.authorizationUrl();
    const second = await client.authorizationUrl();
    const callbackUrl = await double.approve(first.url);
    const tokenHits = double.hits['/token'] ?? 0;
    await rejects(client.callback(callbackUrl, second.session), 'ERR_STATE_MISMATCH', 'SingpassLoginError');
    assert.equal(double.hits['/token'] ?? 0, tokenHits);
  });

  it('reports an error redirect with its OAuth error', async () => {
    const { session } = await client.authorizationUrl();
    const err = await rejects(client.callback(`${double.redirectUri}?error=access_denied&error_description=cancelled&state=${session.state}`, session), 'ERR_AUTHORIZATION_ERROR');
    assert.equal(err.error, 'access_denied');
  });

  it('takes a URL, URLSearchParams, a query string or a request, and a session that went through JSON', async () => {
    for (const shape of [(u: string) => new URL(u), (u: string) => new URL(u).searchParams, (u: string) => new URL(u).search.slice(1), (u: string) => ({ url: u })]) {
      const { url, session } = await client.authorizationUrl();
      const tokens = await client.callback(shape(await double.approve(url)), JSON.parse(JSON.stringify(session)));
      assert.equal(tokens.sub, double.sub);
    }
  });

  it('refuses a code used twice (Singpass says invalid_grant)', async () => {
    const { url, session } = await client.authorizationUrl();
    const callbackUrl = await double.approve(url);
    await client.callback(callbackUrl, session);
    const err = await rejects(client.callback(callbackUrl, session), 'ERR_OAUTH_RESPONSE', 'SingpassResponseError');
    assert.equal(err.error, 'invalid_grant');
  });

  it('refuses an incomplete session', async () => {
    await rejects(client.callback('?code=x&state=y', { state: 'y' } as never), 'ERR_INVALID_SESSION');
  });
});

describe('DPoP nonce and retries', () => {
  let double: FapiDouble;
  let client: SingpassClient;
  before(async () => {
    double = await startFapiDouble({ appType: 'myinfo' });
    client = clientFor(double, { appType: 'myinfo' });
  });
  after(() => double.close());

  it('answers a DPoP-Nonce challenge at PAR, token and userinfo with one retry each', async () => {
    double.hooks = { dpopNonce: true };
    double.requests.length = 0;
    try {
      await client.userinfo(await login(double, client));
      const count = (p: string) => double.requests.filter((r) => r.path === p).length;
      // The nonce is remembered for the origin: only the first request is challenged.
      assert.equal(count('/par'), 2);
      assert.equal(count('/token'), 1);
      assert.equal(count('/userinfo'), 1);
      assert.ok(double.requests.filter((r) => r.path === '/token').every((r) => typeof r.dpop?.payload.nonce === 'string'));
    } finally {
      double.hooks = {};
    }
  });

  it('retries server_error and temporarily_unavailable, with a fresh assertion and proof each time', async () => {
    double.hooks = { fail: { par: { times: 2, status: 503, error: 'temporarily_unavailable' }, token: { times: 1, status: 500, error: 'server_error' } } };
    double.requests.length = 0;
    try {
      await login(double, client);
      const pars = double.requests.filter((r) => r.path === '/par');
      assert.equal(pars.length, 3);
    } finally {
      double.hooks = {};
    }
  });

  it('retries a 502 without a body and a Retry-After of 0', async () => {
    double.hooks = { fail: { userinfo: { times: 1, status: 502 }, par: { times: 1, status: 503, error: 'temporarily_unavailable', retryAfter: '0' } } };
    try {
      await client.userinfo(await login(double, client));
    } finally {
      double.hooks = {};
    }
  });

  it('gives up after the configured attempts, with the last error', async () => {
    double.hooks = { fail: { par: { times: 5, status: 500, error: 'server_error' } } };
    double.requests.length = 0;
    try {
      const err = await rejects(client.authorizationUrl(), 'ERR_OAUTH_RESPONSE');
      assert.equal(err.error, 'server_error');
      assert.equal(double.requests.filter((r) => r.path === '/par').length, 3);
    } finally {
      double.hooks = {};
    }
  });

  it('does not retry a client mistake', async () => {
    double.requests.length = 0;
    const other = clientFor(double, { appType: 'myinfo', redirectUri: 'http://localhost:3000/elsewhere' });
    await rejects(other.authorizationUrl(), 'ERR_OAUTH_RESPONSE');
    assert.equal(double.requests.filter((r) => r.path === '/par').length, 1);
  });

  it('names an unreachable Singpass as ERR_NETWORK', async () => {
    const gone = new SingpassClient({ issuer: 'http://127.0.0.1:9/fapi', clientId: 'x', keys: double.clientKeys, redirectUri: double.redirectUri, allowHttpLoopback: true, retry: { attempts: 1 } });
    await rejects(gone.authorizationUrl(), 'ERR_NETWORK', 'SingpassResponseError');
  });
});

describe('configuration, HTTPS and discovery', () => {
  let double: FapiDouble;
  before(async () => {
    double = await startFapiDouble({ appType: 'login' });
  });
  after(() => double.close());

  it('refuses plain http unless the issuer is on this machine and allowHttpLoopback is set', () => {
    const base = { clientId: 'c', keys: double.clientKeys, redirectUri: 'https://app.example/cb' };
    assert.throws(() => new SingpassClient({ ...base, issuer: 'http://singpass.example/fapi', allowHttpLoopback: true }), { code: 'ERR_INSECURE_ISSUER' });
    assert.throws(() => new SingpassClient({ ...base, issuer: double.issuer }), { code: 'ERR_INSECURE_ISSUER' });
    assert.throws(() => new SingpassClient({ ...base, issuer: 'not a url' }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => new SingpassClient({ ...base, issuer: 'https://stg-id.singpass.gov.sg/fapi', appType: 'corppass' as never }), { code: 'ERR_APP_TYPE' });
    assert.throws(() => new SingpassClient({ ...base, issuer: 'https://stg-id.singpass.gov.sg/fapi', scope: 'uinfin name' }), { code: 'ERR_INVALID_ARGUMENT', message: /openid/ });
    for (const host of ['localhost', '127.0.0.1', '[::1]', 'app.localhost']) new SingpassClient({ ...base, issuer: `http://${host}:5156/fapi`, allowHttpLoopback: true });
  });

  /** A fetch that serves https://singpass.test from the double, as if it were behind TLS. */
  function viaTls(rewriteDiscovery?: (doc: Record<string, unknown>) => Record<string, unknown>): typeof fetch {
    return async (input, init) => {
      const url = String(input).replace('https://singpass.test', double.url);
      const response = await fetch(url, init);
      if (!url.endsWith('/openid-configuration') || response.status !== 200) return response;
      let doc = JSON.parse((await response.text()).replaceAll(double.url, 'https://singpass.test')) as Record<string, unknown>;
      if (rewriteDiscovery) doc = rewriteDiscovery(doc);
      return new Response(JSON.stringify(doc), { headers: { 'content-type': 'application/json' } });
    };
  }

  it('logs in over https (the default), and refuses an endpoint that is not https', async () => {
    double.issuer = 'https://singpass.test/fapi';
    try {
      const client = new SingpassClient({ issuer: double.issuer, clientId: double.clientId, keys: double.clientKeys, redirectUri: double.redirectUri, fetch: viaTls() });
      const { url, session } = await client.authorizationUrl();
      assert.ok(url.startsWith('https://singpass.test/fapi/auth?'));
      const callbackUrl = await double.approve(url.replace('https://singpass.test', double.url));
      assert.equal((await client.callback(callbackUrl, session)).sub, double.sub);

      const downgraded = new SingpassClient({
        issuer: double.issuer,
        clientId: double.clientId,
        keys: double.clientKeys,
        redirectUri: double.redirectUri,
        fetch: viaTls((doc) => ({ ...doc, token_endpoint: 'http://singpass.test/fapi/token' })),
      });
      await rejects(downgraded.authorizationUrl(), 'ERR_INSECURE_ISSUER');
    } finally {
      double.issuer = `${double.url}/fapi`;
    }
  });

  it('refuses a discovery document of another issuer', async () => {
    const client = clientFor(double, { issuer: `${double.url}/fapi`, fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/openid-configuration')) return response;
      const doc = (await response.json()) as Record<string, unknown>;
      return Response.json({ ...doc, issuer: 'https://stg-id.singpass.gov.sg/fapi' });
    } });
    await rejects(client.authorizationUrl(), 'ERR_DISCOVERY');
  });

  it('says when the issuer has no discovery document (a legacy or mistyped issuer)', async () => {
    const err = await rejects(clientFor(double, { issuer: `${double.url}/legacy` }).authorizationUrl(), 'ERR_DISCOVERY');
    assert.match(err.message, /no discovery document at .*\/legacy\/\.well-known\/openid-configuration/);
    assert.match(err.hint, /end in \/fapi/);
  });

  it('uses discovery for an hour, and the last good one a minute longer when a refresh fails', async () => {
    const client = clientFor(double);
    const hits = () => double.hits['/.well-known/openid-configuration'] ?? 0;
    const start = hits();
    await client.authorizationUrl();
    await client.authorizationUrl();
    assert.equal(hits() - start, 1);
    const later = Date.now() + 3_601_000;
    mock.timers.enable({ apis: ['Date'], now: later });
    try {
      double.hooks = { fail: { discovery: { times: 3, status: 503 } } };
      await client.authorizationUrl(); // refresh fails three times: the cached document serves
      assert.equal(hits() - start, 4);
      double.hooks = {};
      await client.authorizationUrl(); // within the extra minute: no new attempt
      assert.equal(hits() - start, 4);
      mock.timers.setTime(later + 61_000);
      await client.authorizationUrl();
      assert.equal(hits() - start, 5);
    } finally {
      mock.timers.reset();
      double.hooks = {};
    }
  });
});
