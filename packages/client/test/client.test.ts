/**
 * SgidClient against an in-process provider that can misbehave: the official SDK's checks and
 * error conditions, plus ours (state, clock tolerance, JWKS refetch).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { SgidClient, generatePkcePair, SgidError, SgidConfigError, SgidIdTokenError, SgidMissingIdTokenError, SgidResponseError } from 'sgid-client';
import { startStubProvider, makeSigningKey, type StubProvider } from './helpers/stub-provider.ts';

const require = createRequire(import.meta.url);
const official = require('@opengovsg/sgid-client') as typeof import('@opengovsg/sgid-client');

let stub: StubProvider;
before(async () => {
  stub = await startStubProvider();
});
after(() => stub.close());

const SCOPE = ['openid', 'myinfo.name', 'myinfo.email', 'myinfo.vehicles'];
const newClient = (extra: Partial<ConstructorParameters<typeof SgidClient>[0]> = {}) =>
  new SgidClient({ clientId: stub.clientId, clientSecret: stub.clientSecret, privateKey: stub.privateKey, hostname: stub.url, redirectUri: stub.redirectUri, ...extra });

async function login(client: SgidClient, opts: { nonce?: string | null; scope?: string[] } = {}) {
  const { codeVerifier, codeChallenge } = generatePkcePair();
  const { url, nonce } = client.authorizationUrl({ codeChallenge, state: 'st', scope: opts.scope ?? SCOPE, ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}) });
  const { code } = await stub.authorize(url);
  return { code, codeVerifier, nonce };
}

function rejectsWith(code: string, message?: RegExp | string) {
  return (e: unknown) => {
    assert.ok(e instanceof SgidError, `expected an SgidError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    assert.ok(e.hint.length > 10);
    return true;
  };
}

test('full login: callback + userinfo, UTF-8 data, token form is client_secret_post', async () => {
  const client = newClient();
  const { code, codeVerifier, nonce } = await login(client);
  const { sub, accessToken, idToken } = await client.callback({ code, codeVerifier, nonce });
  assert.equal(sub, 'stub-sub-123');
  assert.equal(idToken.split('.').length, 3);
  const form = stub.lastTokenForm!;
  assert.deepEqual([...form.keys()].sort(), ['client_id', 'client_secret', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
  assert.equal(form.get('grant_type'), 'authorization_code');
  const { data } = await client.userinfo({ sub, accessToken });
  assert.deepEqual(data, { 'myinfo.name': 'Tan Ah Kow 陈', 'myinfo.email': 'ahkow@example.com', 'myinfo.vehicles': '[{"vehicle_number":"SBA1234A"}]' });
});

test('authorizationUrl is the official URL, parameter for parameter', () => {
  const params = { clientId: 'cid', clientSecret: 's', privateKey: 'k', hostname: 'https://id.example.com/some/path', redirectUri: 'https://app.example/cb?x=1' };
  const ours = new SgidClient(params);
  const theirs = new official.SgidClient(params);
  const cases = [
    { codeChallenge: 'c'.repeat(43), nonce: 'n1', state: 's p&ace' },
    { codeChallenge: 'c'.repeat(43), nonce: null, scope: ['openid', 'myinfo.name'] },
    { codeChallenge: 'c'.repeat(43), nonce: 'n', scope: 'openid myinfo.email', redirectUri: 'https://other/cb' },
  ];
  for (const c of cases) assert.deepEqual(ours.authorizationUrl(c), theirs.authorizationUrl(c));
  const generated = ours.authorizationUrl({ codeChallenge: 'c'.repeat(43) });
  assert.equal(generated.nonce!.length, 43);
  assert.equal(new URL(generated.url).searchParams.get('scope'), 'myinfo.name openid');
});

test('missing redirect URI: the official error, at authorizationUrl and callback', async () => {
  const client = newClient({ redirectUri: undefined });
  const theirs = new official.SgidClient({ clientId: 'c', clientSecret: 's', privateKey: 'k' });
  let message = '';
  try {
    theirs.authorizationUrl({ codeChallenge: 'x' });
  } catch (e) {
    message = (e as Error).message;
  }
  assert.throws(() => client.authorizationUrl({ codeChallenge: 'x' }), rejectsWith('ERR_MISSING_REDIRECT_URI', message));
  await assert.rejects(client.callback({ code: 'c', codeVerifier: 'v' }), rejectsWith('ERR_MISSING_REDIRECT_URI', message));
});

test('OAuth errors at the token endpoint surface error and description', async () => {
  const client = newClient();
  const { codeVerifier, nonce } = await login(client);
  await assert.rejects(client.callback({ code: 'no-such-code', codeVerifier, nonce }), (e: unknown) => {
    assert.ok(e instanceof SgidResponseError);
    assert.equal(e.code, 'ERR_OAUTH_RESPONSE');
    assert.equal(e.error, 'invalid_grant');
    assert.equal(e.status, 400);
    assert.equal(e.message, 'invalid_grant (authorization code is invalid, expired or already used)');
    return true;
  });
  const bad = newClient({ clientSecret: 'wrong' });
  const l = await login(bad);
  await assert.rejects(bad.callback(l), (e: SgidResponseError) => e.error === 'invalid_client' && e.status === 401);
  const l2 = await login(client);
  await assert.rejects(client.callback({ ...l2, codeVerifier: generatePkcePair().codeVerifier }), (e: SgidResponseError) => e.error === 'invalid_grant');
});

test('userinfo errors: invalid_token from WWW-Authenticate, sub mismatch with the official message', async () => {
  const client = newClient();
  await assert.rejects(client.userinfo({ sub: 's', accessToken: 'nope' }), (e: SgidResponseError) => e.code === 'ERR_OAUTH_RESPONSE' && e.error === 'invalid_token' && e.status === 401);
  const l = await login(client);
  const { accessToken } = await client.callback(l);
  await assert.rejects(client.userinfo({ sub: 'someone-else', accessToken }), rejectsWith('ERR_SUB_MISMATCH', /Sub returned by sgID did not match/));
});

test('only openid: data is {}', async () => {
  const client = newClient();
  const l = await login(client, { scope: ['openid'] });
  const cb = await client.callback(l);
  assert.deepEqual(await client.userinfo(cb), { sub: cb.sub, data: {} });
});

test('PKCS#1 private key and literal "\\n" escapes are accepted', async () => {
  for (const privateKey of [stub.privateKeyPkcs1, stub.privateKey.replace(/\n/g, '\\n'), stub.privateKeyPkcs1.replace(/\n/g, '\\n')]) {
    const client = newClient({ privateKey });
    const l = await login(client);
    const cb = await client.callback(l);
    assert.equal((await client.userinfo(cb)).data['myinfo.name'], 'Tan Ah Kow 陈');
  }
});

test('wrong or broken private key: the official errors', async () => {
  const other = await startStubProvider();
  try {
    const client = newClient({ privateKey: other.privateKey });
    const cb = await client.callback(await login(client));
    await assert.rejects(client.userinfo(cb), rejectsWith('ERR_DECRYPT_BLOCK_KEY', 'Unable to decrypt or import payload key. Check that you used the correct private key.'));
    const broken = newClient({ privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' });
    const cb2 = await broken.callback(await login(broken));
    await assert.rejects(broken.userinfo(cb2), rejectsWith('ERR_PRIVATE_KEY_IMPORT', 'Failed to import private key. Check that privateKey is a valid PKCS1 or PKCS8 key.'));
  } finally {
    await other.close();
  }
});

test('tampered data value: the official payload error', async () => {
  const client = newClient();
  const cb = await client.callback(await login(client));
  stub.hooks.userinfoResponse = (body) => {
    const data = body.data as Record<string, string>;
    const parts = data['myinfo.name']!.split('.');
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith('AA') ? 'BB' : 'AA');
    data['myinfo.name'] = parts.join('.');
    return { status: 200, body: JSON.stringify(body) };
  };
  try {
    await assert.rejects(client.userinfo(cb), rejectsWith('ERR_DECRYPT_PAYLOAD', 'Unable to decrypt payload'));
  } finally {
    stub.hooks.userinfoResponse = undefined;
  }
});

// ID token checks, each with a bent token.
const idTokenCases: [string, StubProvider['hooks'], string, RegExp][] = [
  ['wrong issuer', { claims: (c) => ({ ...c, iss: 'http://evil.example/v2' }) }, 'ERR_ID_TOKEN_ISSUER', /^unexpected iss value, expected http:\/\/127\.0\.0\.1:\d+\/v2, got: http:\/\/evil/],
  ['issuer with a trailing slash', { claims: (c) => ({ ...c, iss: `${c.iss}/` }) }, 'ERR_ID_TOKEN_ISSUER', /unexpected iss/],
  ['wrong audience', { claims: (c) => ({ ...c, aud: 'another-client' }) }, 'ERR_ID_TOKEN_AUDIENCE', /^aud mismatch, expected stub-client, got: another-client$/],
  ['audience array without us', { claims: (c) => ({ ...c, aud: ['a'] }) }, 'ERR_ID_TOKEN_AUDIENCE', /aud is missing the client_id/],
  ['expired', { claims: (c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 1 }) }, 'ERR_ID_TOKEN_EXPIRED', /^JWT expired, now \d+, exp \d+$/],
  ['exp exactly now', { claims: (c) => ({ ...c, exp: Math.floor(Date.now() / 1000) }) }, 'ERR_ID_TOKEN_EXPIRED', /JWT expired/],
  ['iat not a number', { claims: (c) => ({ ...c, iat: 'yesterday' }) }, 'ERR_ID_TOKEN_CLAIM_MISSING', /iat claim must be a JSON numeric value/],
  ['no sub', { claims: ({ sub: _sub, ...c }) => c }, 'ERR_ID_TOKEN_CLAIM_MISSING', /missing required JWT property sub/],
  ['nonce mismatch', { claims: (c) => ({ ...c, nonce: 'other' }) }, 'ERR_ID_TOKEN_NONCE', /^nonce mismatch, expected .+, got: other$/],
  ['not yet valid', { claims: (c) => ({ ...c, nbf: Math.floor(Date.now() / 1000) + 120 }) }, 'ERR_ID_TOKEN_NOT_YET_VALID', /JWT not active yet/],
  ['at_hash of another token', { claims: (c) => ({ ...c, at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' }) }, 'ERR_ID_TOKEN_AT_HASH', /at_hash mismatch/],
];
for (const [name, hooks, code, message] of idTokenCases) {
  test(`ID token refused: ${name}`, async () => {
    const client = newClient();
    const l = await login(client);
    Object.assign(stub.hooks, hooks);
    try {
      await assert.rejects(client.callback(l), (e: unknown) => e instanceof SgidIdTokenError && rejectsWith(code, message)(e));
    } finally {
      stub.hooks = {};
    }
  });
}

test('ID token refused: alg HS256 signed with the public key (alg confusion)', async () => {
  const client = newClient();
  const l = await login(client);
  const { SignJWT } = await import('jose');
  stub.hooks.tokenResponse = () => undefined;
  // Build an HS256 token by hand, keyed with the JWKS "n" bytes.
  const now = Math.floor(Date.now() / 1000);
  const forged = await new SignJWT({ iss: `${stub.url}/v2`, sub: 'x', aud: stub.clientId, iat: now, exp: now + 60, nonce: l.nonce })
    .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
    .sign(new TextEncoder().encode(String(stub.published[0]!.jwk.n)));
  stub.hooks.tokenResponse = () => ({ status: 200, body: JSON.stringify({ access_token: 'a', id_token: forged, token_type: 'Bearer' }) });
  try {
    await assert.rejects(client.callback(l), rejectsWith('ERR_ID_TOKEN_ALG'));
  } finally {
    stub.hooks = {};
  }
});

test('a nonce in the token that the caller did not pass is refused (nonce: null)', async () => {
  const client = newClient();
  const l = await login(client);
  await assert.rejects(client.callback({ code: l.code, codeVerifier: l.codeVerifier, nonce: null }), rejectsWith('ERR_ID_TOKEN_NONCE', /nonce mismatch, expected undefined, got: /));
  const l2 = await login(client, { nonce: null });
  assert.equal(l2.nonce, undefined);
  const cb = await client.callback({ code: l2.code, codeVerifier: l2.codeVerifier });
  assert.equal(cb.sub, 'stub-sub-123');
});

test('signature: a token signed by an unpublished key is refused, before and after the key is cached', async () => {
  const rogue = await makeSigningKey('key-1'); // same kid, other key
  const saved = stub.signWith;
  // A fresh client (JWKS fetched during the check), then one whose key is cached and imported
  // (the check then runs synchronously on the fast path, and jose has the last word).
  const fresh = newClient();
  const warm = newClient();
  assert.equal((await warm.callback(await login(warm))).sub, 'stub-sub-123');
  for (const client of [fresh, warm]) {
    const l = await login(client);
    stub.signWith = rogue;
    try {
      await assert.rejects(client.callback(l), rejectsWith('ERR_ID_TOKEN_SIGNATURE', 'failed to validate JWT signature'));
    } finally {
      stub.signWith = saved;
    }
  }
  assert.equal((await warm.callback(await login(warm))).sub, 'stub-sub-123', 'the good key still verifies');
});

test('JWKS: cached; an unknown kid refetches at most once a minute; rotation works', async () => {
  const client = newClient();
  const jwksPath = '/v2/.well-known/jwks.json';
  const before = stub.hits[jwksPath] ?? 0;
  // The JWKS is fetched during the first callback: between these two instants.
  const first = await login(client);
  const fetchedAfter = Date.now();
  await client.callback(first);
  const fetchedBefore = Date.now();
  for (let i = 0; i < 2; i++) await client.callback(await login(client));
  assert.equal((stub.hits[jwksPath] ?? 0) - before, 1, 'one fetch for three logins');

  // A token with an unknown kid, within the minute: no refetch, refused.
  const k2 = await makeSigningKey('key-2');
  const saved = stub.signWith;
  stub.signWith = k2;
  try {
    await assert.rejects(client.callback(await login(client)), rejectsWith('ERR_JWKS_NO_MATCHING_KEY', /no valid key found/));
    assert.equal((stub.hits[jwksPath] ?? 0) - before, 1, 'throttled: no refetch within a minute');
    // The provider rotates (publishes key-2). "At most once a minute" (the README's figure, as
    // the official SDK): 59 s after the fetch still no refetch; 61 s after, exactly one. The
    // JWKS cache reads Date.now(), shifted here (and the ID tokens' exp moves with it).
    stub.published = [saved, k2];
    const realNow = Date.now;
    try {
      Date.now = () => fetchedAfter + 59_000; // at most 59 s after the fetch
      await assert.rejects(client.callback(await login(client)), rejectsWith('ERR_JWKS_NO_MATCHING_KEY'));
      assert.equal((stub.hits[jwksPath] ?? 0) - before, 1, 'refetched within the minute');
      Date.now = () => fetchedBefore + 61_000; // at least 61 s after it
      assert.equal((await client.callback(await login(client))).sub, 'stub-sub-123');
    } finally {
      Date.now = realNow;
    }
    assert.equal((stub.hits[jwksPath] ?? 0) - before, 2);
  } finally {
    stub.signWith = saved;
    stub.published = [saved];
  }
});

test('clockTolerance accepts a token that expired within the tolerance', async () => {
  const strict = newClient();
  const tolerant = newClient({ clockTolerance: 30 });
  stub.hooks.claims = (c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 5 });
  try {
    await assert.rejects(strict.callback(await login(strict)), rejectsWith('ERR_ID_TOKEN_EXPIRED'));
    assert.equal((await tolerant.callback(await login(tolerant))).sub, 'stub-sub-123');
  } finally {
    stub.hooks = {};
  }
});

test('optional state check: refused before any request when state differs', async () => {
  const client = newClient();
  const l = await login(client);
  const tokenHits = stub.hits['/v2/oauth/token'] ?? 0;
  await assert.rejects(client.callback({ ...l, state: 'forged', expectedState: 'st' }), rejectsWith('ERR_STATE_MISMATCH'));
  assert.equal(stub.hits['/v2/oauth/token'] ?? 0, tokenHits);
  assert.equal((await client.callback({ ...l, state: 'st', expectedState: 'st' })).sub, 'stub-sub-123');
});

test('token response without id_token: the official TypeError, still an SgidError with its code', async () => {
  const client = newClient();
  const theirs = new official.SgidClient({ clientId: stub.clientId, clientSecret: stub.clientSecret, privateKey: stub.privateKey, hostname: stub.url, redirectUri: stub.redirectUri });
  stub.hooks.tokenResponse = () => ({ status: 200, body: JSON.stringify({ access_token: 'a', token_type: 'Bearer' }) });
  try {
    const theirError = await theirs.callback(await login(client)).then(
      () => assert.fail('the official SDK accepted a token response without id_token'),
      (e: unknown) => e as Error,
    );
    await assert.rejects(client.callback(await login(client)), (e: unknown) => {
      // What the official SDK's users observe, side by side.
      assert.ok(theirError instanceof TypeError && e instanceof TypeError, `expected TypeErrors, got ${String(theirError)} and ${String(e)}`);
      assert.equal(String(e), String(theirError));
      assert.equal(String(e), 'TypeError: id_token not present in TokenSet');
      assert.equal(e.name, theirError.name);
      // Ours on top: the typed hierarchy and the code.
      assert.ok(e instanceof SgidMissingIdTokenError);
      assert.ok(e instanceof SgidResponseError);
      assert.ok(!(e instanceof SgidIdTokenError));
      return rejectsWith('ERR_NO_ID_TOKEN', 'id_token not present in TokenSet')(e);
    });
  } finally {
    stub.hooks = {};
  }
});

test('token response without access_token, ID token without sub: the official messages, typed', async () => {
  const theirs = new official.SgidClient({ clientId: stub.clientId, clientSecret: stub.clientSecret, privateKey: stub.privateKey, hostname: stub.url, redirectUri: stub.redirectUri });
  const client = newClient();
  const cases: [string, StubProvider['hooks'], string, string][] = [
    ['no access_token', { tokenBody: ({ access_token: _a, ...rest }) => rest, claims: ({ at_hash: _h, ...c }) => c }, 'ERR_NO_ACCESS_TOKEN', 'Authorization server did not return an access token'],
    ['an empty sub', { claims: (c) => ({ ...c, sub: '' }) }, 'ERR_NO_SUB', 'Authorization server did not return the sub claim'],
  ];
  for (const [what, hooks, code, message] of cases) {
    stub.hooks = { ...hooks };
    try {
      const theirError = await theirs.callback(await login(client)).then(
        () => assert.fail(`the official SDK accepted ${what}`),
        (e: unknown) => e as Error,
      );
      assert.equal(theirError.message, message, `${what}: the official SDK's message`);
      await assert.rejects(client.callback(await login(client)), (e: unknown) => {
        assert.ok(e instanceof SgidResponseError, `${what}: ${String(e)}`);
        return rejectsWith(code, message)(e);
      });
    } finally {
      stub.hooks = {};
    }
  }
});

test('an ID token that is not a JWS: ERR_ID_TOKEN_MALFORMED, before any JWKS request', async () => {
  const client = newClient();
  const jwksHits = stub.hits['/v2/.well-known/jwks.json'] ?? 0;
  for (const idToken of ['not-a-jwt', 'a.b', 'e30.e30.e30.e30', `${Buffer.from('{"alg":"RS256"').toString('base64url')}.e30.sig`]) {
    stub.hooks.tokenBody = (body) => ({ ...body, id_token: idToken });
    try {
      await assert.rejects(client.callback(await login(client)), (e: unknown) => {
        assert.ok(e instanceof SgidIdTokenError, `${idToken}: ${String(e)}`);
        return rejectsWith('ERR_ID_TOKEN_MALFORMED', /^failed to decode JWT \(/)(e);
      });
    } finally {
      stub.hooks = {};
    }
  }
  assert.equal(stub.hits['/v2/.well-known/jwks.json'] ?? 0, jwksHits);
});

test('a JWKS without a "keys" array, or with a key that does not import: ERR_JWKS_INVALID', async () => {
  const bodies: [unknown, RegExp][] = [
    [{}, /has no "keys" array/],
    [{ keys: 'key-1' }, /has no "keys" array/],
    [{ keys: [null] }, /has no "keys" array/],
    // An RSA key without its exponent: no RSA key can be made of it.
    [{ keys: [{ kty: 'RSA', kid: 'key-1', alg: 'RS256', use: 'sig', n: stub.published[0]!.jwk.n }] }, /key "key-1" could not be imported/],
  ];
  for (const [body, message] of bodies) {
    const client = newClient(); // a fresh JWKS cache each time
    stub.hooks.jwks = () => body;
    try {
      await assert.rejects(client.callback(await login(client)), (e: unknown) => {
        assert.ok(e instanceof SgidIdTokenError, `${JSON.stringify(body)}: ${String(e)}`);
        return rejectsWith('ERR_JWKS_INVALID', message)(e);
      });
    } finally {
      stub.hooks = {};
    }
  }
});

test('the fetch option carries every request of a login (token, JWKS, userinfo)', async () => {
  // The hostname resolves nowhere: only the given fetch, which sends it to the stub, can reach it.
  const hostname = 'http://sgid.invalid';
  const seen: string[] = [];
  const viaStub: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    seen.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    return fetch(`${stub.url}${url.pathname}${url.search}`, init);
  };
  const client = newClient({ hostname, fetch: viaStub });
  const { codeVerifier, codeChallenge } = generatePkcePair();
  const { url, nonce } = client.authorizationUrl({ codeChallenge, scope: SCOPE, state: 'st' });
  assert.ok(url.startsWith(`${hostname}/v2/oauth/authorize?`));
  // The authorize step is the browser's (not the SDK's fetch): it goes to the stub directly.
  const { code } = await stub.authorize(url.replace(hostname, stub.url));
  stub.hooks.claims = (c) => ({ ...c, iss: `${hostname}/v2` });
  try {
    const cb = await client.callback({ code, codeVerifier, nonce });
    const { data } = await client.userinfo(cb);
    assert.equal(data['myinfo.name'], 'Tan Ah Kow 陈');
  } finally {
    stub.hooks = {};
  }
  assert.deepEqual(seen, ['POST /v2/oauth/token', 'GET /v2/.well-known/jwks.json', 'GET /v2/oauth/userinfo']);
});

test('the timeout option: a provider that never answers fails with ERR_NETWORK after the timeout, not before', async () => {
  const { createServer } = await import('node:http');
  const hung = createServer(() => undefined); // accepts requests and never answers them
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
  const hostname = `http://127.0.0.1:${(hung.address() as { port: number }).port}`;
  try {
    const client = newClient({ hostname, timeout: 300 });
    const started = performance.now();
    await assert.rejects(client.callback({ code: 'c', codeVerifier: 'v'.repeat(43) }), (e: unknown) => {
      assert.ok(e instanceof SgidResponseError);
      return rejectsWith('ERR_NETWORK', `outgoing request timed out after 300ms (token: ${hostname}/v2/oauth/token)`)(e);
    });
    assert.ok(performance.now() - started >= 300, 'it gave up before the timeout');
  } finally {
    hung.closeAllConnections();
    await new Promise((r) => hung.close(r));
  }
});

test('instanceof SgidError stays false for other TypeErrors', () => {
  assert.ok(!(new TypeError('x') instanceof SgidError));
  assert.ok(!(new SgidMissingIdTokenError('h') instanceof SgidConfigError));
  assert.ok(new SgidResponseError('ERR_NETWORK', 'm', 'h') instanceof SgidError);
});

test('network failure and non-JSON answers are typed', async () => {
  const down = newClient({ hostname: 'http://127.0.0.1:1' });
  await assert.rejects(down.callback({ code: 'c', codeVerifier: 'v' }), rejectsWith('ERR_NETWORK'));
  const client = newClient();
  stub.hooks.tokenResponse = () => ({ status: 502, body: '<html>bad gateway</html>' });
  try {
    await assert.rejects(client.callback(await login(client)), rejectsWith('ERR_UNEXPECTED_RESPONSE', /expected 200 OK, got: 502/));
  } finally {
    stub.hooks = {};
  }
});

test('the official SDK accepts the same provider (the stub is faithful)', async () => {
  const theirs = new official.SgidClient({ clientId: stub.clientId, clientSecret: stub.clientSecret, privateKey: stub.privateKey, hostname: stub.url, redirectUri: stub.redirectUri });
  const { codeVerifier, codeChallenge } = official.generatePkcePair();
  const { url, nonce } = theirs.authorizationUrl({ codeChallenge, scope: SCOPE });
  const { code } = await stub.authorize(url);
  const cb = await theirs.callback({ code, nonce, codeVerifier });
  const { data } = await theirs.userinfo(cb);
  assert.equal(data['myinfo.name'], 'Tan Ah Kow 陈');
});
