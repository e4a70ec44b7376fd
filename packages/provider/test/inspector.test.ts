/**
 * The login inspector over HTTP: every step of a login recorded with the checks it ran, the
 * refusing check and its fix (the very description the response carried), masked so that the
 * JSON never holds a secret, code, verifier or token in full nor personal data; per client
 * and for all; behind the admin token; live fragment with ETags; across processes sharing
 * PostgreSQL + Redis; nothing with --inspector off.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { ClientCredentials } from 'sgid-protocol';
import type { LoginTrace, StepEvent } from '../src/inspector/events.js';
import { openScaledStore } from '../src/store/scaled.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { asJson, authorizeUrl, getUserinfo, grantBody, loginForCode, pkcePair, postToken, tokenBody } from './helpers/oauth.js';
import { BIN, runCli, startCliServer } from './helpers/cli.js';
import { freePort, startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import {
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  deleteRedisPrefixes,
  dropSchemas,
  postgresUnreachable,
  redisUnreachable,
  requireService,
  uniqueName,
} from './helpers/store-services.js';

const REDIRECT = 'http://localhost:3000/callback';

interface LoginsJson {
  clientId: string | null;
  recording: boolean;
  retentionSeconds: number;
  logins: LoginTrace[];
}

async function logins(p: TestProvider, query = '', headers: Record<string, string> = {}): Promise<LoginsJson> {
  const res = await fetch(`${p.url}/portal/api/logins${query}`, { headers });
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return (await res.json()) as LoginsJson;
}

function stepsOf(login: LoginTrace): string[] {
  return login.steps.map((s) => `${s.step}:${s.outcome}`);
}

function step(login: LoginTrace, name: StepEvent['step']): StepEvent {
  const s = login.steps.find((e) => e.step === name);
  assert.ok(s, `no ${name} step in ${JSON.stringify(stepsOf(login))}`);
  return s;
}

describe('login inspector', () => {
  let p: TestProvider;
  let creds: ClientCredentials;
  let other: ClientCredentials;

  before(async () => {
    p = await startProvider();
    creds = await p.createClient({ scopes: 'openid myinfo.name myinfo.nric_number', redirectUris: [REDIRECT], name: 'Inspected app' });
    other = await p.createClient({ scopes: 'openid', redirectUris: [REDIRECT], name: 'Other app' });
  });
  after(() => p.close());

  it('records every step of a login through the wallet, with its checks, and never a secret, code, token or personal value in full', async () => {
    const persona = builtInPersonas(new Date())[0]!;
    const issued = await loginForCode(p, creds, { scope: 'openid myinfo.name myinfo.nric_number', personaId: persona.id });
    const token = await postToken(p, tokenBody(creds, issued));
    assert.equal(token.status, 200, token.text);
    const accessToken = token.body['access_token'] as string;
    const idToken = token.body['id_token'] as string;
    const info = await getUserinfo(p, accessToken);
    assert.equal(info.status, 200);

    const res = await fetch(`${p.url}/portal/api/logins?client_id=${creds.id}`);
    const text = await res.text();
    const body = JSON.parse(text) as LoginsJson;
    assert.equal(body.clientId, creds.id);
    assert.equal(body.recording, true);
    assert.equal(body.retentionSeconds, p.config.tokenTtl);
    const login = body.logins[0]!;
    assert.equal(login.clientId, creds.id);
    assert.equal(login.protocol, 'sgid');
    assert.deepEqual(stepsOf(login), ['authorize:waiting', 'wallet:ok', 'code:ok', 'token:ok', 'userinfo:ok']);
    assert.equal(login.summary, 'userinfo answered');
    assert.ok(login.steps.every((s) => s.trace === login.trace));

    const authorize = step(login, 'authorize');
    assert.equal(authorize.request?.['client_id'], creds.id);
    assert.equal(authorize.request?.['state'], issued.state);
    assert.equal(authorize.request?.['code_challenge'], issued.pkce.challenge);
    assert.deepEqual(
      authorize.checks.map((c) => c.id),
      ['params', 'client', 'redirect_uri', 'response_type', 'scope', 'pkce_challenge', 'request_object'],
    );
    assert.ok(authorize.checks.every((c) => c.ok));

    const wallet = step(login, 'wallet');
    assert.equal(wallet.response?.['decision'], 'approved');
    assert.equal(wallet.response?.['persona'], `•••••${persona.id.slice(-4)}`);
    assert.match(String(wallet.response?.['released']), /myinfo\.name, myinfo\.nric_number, encrypted end to end to the client's public key \(JWK thumbprint [\w-]{43}\)/);

    const code = step(login, 'code');
    assert.match(String(code.response?.['code']), /^.{4}… \(43 characters\)$/);
    assert.equal(code.response?.['state'], issued.state);

    const tokenStep = step(login, 'token');
    assert.deepEqual(
      tokenStep.checks.map((c) => `${c.id}:${c.ok}`),
      ['params:true', 'grant_type:true', 'client_secret:true', 'code:true', 'code_client:true', 'code_redirect_uri:true', 'pkce_verifier:true', 'code_single_use:true'],
    );
    assert.equal(tokenStep.request?.['client_id'], creds.id);
    assert.match(String(tokenStep.request?.['client_secret']), /^.{4}… \(32 characters\)$/);
    assert.match(String(tokenStep.request?.['code_verifier']), /^.{4}… \(43 characters\)$/);
    const decoded = tokenStep.response?.['id_token'] as { header: Record<string, unknown>; claims: Record<string, unknown> };
    assert.equal(decoded.header['alg'], 'RS256');
    assert.equal(typeof decoded.header['kid'], 'string');
    assert.equal(decoded.claims['iss'], p.issuer);
    assert.equal(decoded.claims['aud'], creds.id);
    assert.equal(decoded.claims['nonce'], issued.nonce);
    assert.equal(typeof decoded.claims['exp'], 'number');

    const userinfo = step(login, 'userinfo');
    assert.equal(userinfo.response?.['scopes'], 'openid myinfo.name myinfo.nric_number');
    assert.match(String(userinfo.response?.['key']), /^RSA-OAEP-256 \+ A256GCM to the client's public key \(JWK thumbprint [\w-]{43}\)$/);
    assert.match(String(userinfo.response?.['data']), /^2 values \(myinfo\.name, myinfo\.nric_number\), each A128GCMKW \+ A128GCM under the block key$/);
    assert.match(String(userinfo.request?.['authorization']), /^Bearer .{4}… \(43 characters\)$/);

    // Nothing usable or personal, anywhere in the JSON.
    const forbidden: [string, string][] = [
      ['client secret', creds.secret],
      ['code', issued.code],
      ['code verifier', issued.pkce.verifier],
      ['access token', accessToken],
      ['ID token', idToken],
      ["ID token's signature", idToken.split('.')[2]!],
      ['NRIC', persona.id],
      ['name', persona.values['myinfo.name']!],
      ['private key', creds.privateKey!.split('\n')[1]!],
    ];
    for (const [what, secret] of forbidden) assert.ok(!text.includes(secret), `the JSON carries the ${what} in full`);
    // Nor the encrypted data (ciphertext is of no use to a developer reading a timeline).
    const data = info.body['data'] as Record<string, string>;
    for (const jwe of Object.values(data)) assert.ok(!text.includes(jwe.split('.')[3]!));

    // The page shows the same login.
    const page = await (await fetch(`${p.url}/portal/logins?client_id=${creds.id}`)).text();
    assert.match(page, /<h1>Logins of Inspected app<\/h1>/);
    assert.ok(page.includes(`data-trace="${login.trace}"`));
    assert.ok(page.includes('userinfo answered'));
    for (const [what, secret] of forbidden) assert.ok(!page.includes(secret), `the page carries the ${what} in full`);
  });

  it('a wrong PKCE verifier: the token step names the refusing check and carries the description the response had', async () => {
    const issued = await loginForCode(p, creds);
    const wrong = (await pkcePair()).verifier;
    const res = await postToken(p, grantBody(creds, issued.code, wrong, issued.redirectUri));
    assert.equal(res.status, 400);
    assert.equal(res.body['error'], 'invalid_grant');

    const login = (await logins(p, `?client_id=${creds.id}`)).logins[0]!;
    assert.deepEqual(stepsOf(login), ['authorize:waiting', 'wallet:ok', 'code:ok', 'token:refused']);
    const token = step(login, 'token');
    assert.deepEqual(token.refused, { check: 'pkce_verifier', error: 'invalid_grant', status: 400, description: res.body['error_description'] });
    assert.deepEqual(token.checks.at(-1), { id: 'pkce_verifier', ok: false });
    assert.equal(login.summary, 'refused at token: PKCE: BASE64URL(SHA256(code_verifier)) equals the code_challenge');
    assert.ok(!JSON.stringify(login).includes(wrong), 'the wrong verifier is masked too');
  });

  it('refusals at authorize and token are filed under the client they name, or under no client', async () => {
    // Unregistered redirect URI: an error page, recorded under the (registered) client.
    await fetch(authorizeUrl(p, creds, { redirect_uri: 'http://localhost:3000/other' }), { redirect: 'manual' });
    let login = (await logins(p, `?client_id=${creds.id}`)).logins[0]!;
    assert.deepEqual(stepsOf(login), ['authorize:refused']);
    assert.equal(step(login, 'authorize').refused?.check, 'redirect_uri');
    assert.match(step(login, 'authorize').refused!.description, /is not registered for client/);

    // A scope beyond the registration: redirected with invalid_scope, and recorded as such.
    const scoped = await fetch(authorizeUrl(p, other, { scope: 'openid myinfo.name' }), { redirect: 'manual' });
    assert.equal(scoped.status, 302);
    login = (await logins(p, `?client_id=${other.id}`)).logins[0]!;
    const refused = step(login, 'authorize');
    assert.equal(refused.refused?.check, 'scope');
    assert.equal(refused.refused?.error, 'invalid_scope');
    assert.equal(refused.response?.['redirected_to'], REDIRECT);
    assert.equal(new URL(scoped.headers.get('location')!).searchParams.get('error_description'), refused.refused?.description);

    // A wrong client secret is the client's mistake: filed under it, with the secret masked.
    const issued = await loginForCode(p, creds);
    const bad = await postToken(p, tokenBody(creds, issued, { client_secret: 'x'.repeat(32) }));
    assert.equal(bad.status, 401);
    login = (await logins(p, `?client_id=${creds.id}`)).logins[0]!;
    assert.equal(step(login, 'token').refused?.check, 'client_secret');
    assert.equal(step(login, 'token').request?.['client_secret'], 'xxxx… (32 characters)');

    // An unknown client_id: under no client — on the all-clients view only.
    await fetch(authorizeUrl(p, { id: 'no-such-client', redirectUris: [REDIRECT] }), { redirect: 'manual' });
    const all = await logins(p);
    const unknown = all.logins.find((l) => l.clientId === '' && l.steps[0]?.request?.['client_id'] === 'no-such-client');
    assert.ok(unknown, 'the unknown client shows on the all-clients view');
    assert.equal(step(unknown, 'authorize').refused?.check, 'client');
    for (const l of (await logins(p, `?client_id=${creds.id}`)).logins) assert.equal(l.clientId, creds.id);
    assert.ok(all.logins.some((l) => l.clientId === other.id) && all.logins.some((l) => l.clientId === creds.id));
  });

  it('the live fragment answers 304 while nothing changed, and the new login once it did', async () => {
    const first = await fetch(`${p.url}/portal/logins/live?client_id=${other.id}`);
    assert.equal(first.status, 200);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    assert.equal((await fetch(`${p.url}/portal/logins/live?client_id=${other.id}`, { headers: { 'if-none-match': etag } })).status, 304);
    await fetch(authorizeUrl(p, other, { response_type: 'token' }), { redirect: 'manual' });
    const changed = await fetch(`${p.url}/portal/logins/live?client_id=${other.id}`, { headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
    assert.match(await changed.text(), /refused at authorize: response_type is &quot;code&quot;/);
    // Bad queries get a JSON error, not a 500.
    const bad = await asJson(await fetch(`${p.url}/portal/api/logins?limit=0`));
    assert.equal(bad.status, 400);
    assert.equal(bad.body['error'], 'invalid_request');
  });
});

describe('login inspector: access and switches', () => {
  it('is behind the admin token: 401 JSON without a session, the admin token as a Bearer credential works, pages redirect to sign-in', async () => {
    const p = await startProvider({ adminToken: 'correct horse battery staple' });
    try {
      const denied = await asJson(await fetch(`${p.url}/portal/api/logins`));
      assert.equal(denied.status, 401);
      assert.equal(denied.body['error'], 'unauthorized');
      const wrong = await fetch(`${p.url}/portal/api/logins`, { headers: { authorization: 'Bearer wrong' } });
      assert.equal(wrong.status, 401);
      const ok = await fetch(`${p.url}/portal/api/logins`, { headers: { authorization: 'Bearer correct horse battery staple' } });
      assert.equal(ok.status, 200);
      for (const path of ['/portal/logins', '/portal/logins/live']) {
        const page = await fetch(`${p.url}${path}`, { redirect: 'manual' });
        assert.equal(page.status, 303, path);
        assert.match(page.headers.get('location') ?? '', /^\/portal\/login\?next=/);
      }
    } finally {
      await p.close();
    }
  });

  it('--inspector off records nothing', async () => {
    const p = await startProvider({ inspector: 'off' });
    try {
      const creds = await p.createClient({ scopes: 'openid', redirectUris: [REDIRECT] });
      const issued = await loginForCode(p, creds);
      assert.equal((await postToken(p, tokenBody(creds, issued))).status, 200);
      const body = await logins(p);
      assert.equal(body.recording, false);
      assert.deepEqual(body.logins, []);
      assert.match(await (await fetch(`${p.url}/portal/logins`)).text(), /--inspector off/);
    } finally {
      await p.close();
    }
  });

  it('records are shared by every process on PostgreSQL + Redis', async (t: TestContext) => {
    if (!requireService(t, (await postgresUnreachable()) ?? (await redisUnreachable()))) return;
    const schema = uniqueName('inspect');
    const prefix = `${uniqueName('inspect')}:`;
    const opts = { databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, schema, prefix };
    const a = await startProvider({ store: await openScaledStore(opts) });
    const b = await startProvider({ store: await openScaledStore(opts) });
    try {
      const creds = await a.createClient({ scopes: 'openid', redirectUris: [REDIRECT] });
      const issued = await loginForCode(a, creds);
      // The token request goes to the other process: one login, two processes, one timeline.
      assert.equal((await postToken(b, tokenBody(creds, issued))).status, 200);
      // Each process writes its records within the flush interval; wait for both.
      let login: LoginTrace | undefined;
      for (let i = 0; i < 200; i++) {
        login = (await logins(a, `?client_id=${creds.id}`)).logins[0];
        if (login?.steps.length === 4) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(stepsOf(login!), ['authorize:waiting', 'wallet:ok', 'code:ok', 'token:ok']);
      assert.deepEqual(stepsOf((await logins(b, `?client_id=${creds.id}`)).logins[0]!), stepsOf(login!));
    } finally {
      await a.close();
      await b.close();
      await a.store.close();
      await b.store.close();
      await dropSchemas(TEST_DATABASE_URL, [schema]);
      await deleteRedisPrefixes(TEST_REDIS_URL, [prefix]);
    }
  });
});

describe('sgid-provider logins tail', () => {
  it('prints each new step of a login run by a server on the same store, with the refusing check and its fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-tail-'));
    const data = join(dir, 'sgid.db');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startCliServer(['--data', data, '--host', '127.0.0.1', '--port', String(port), '--public-url', url, '--log-level', 'silent', '--auto-approve', 'S8534127H']);
    let tail: ChildProcess | undefined;
    try {
      const created = await runCli(['clients', 'create', '--name', 'Tailed', '--redirect-uri', REDIRECT, '--json', '--data', data]);
      assert.equal(created.code, 0, created.stderr);
      const creds = JSON.parse(created.stdout) as ClientCredentials;

      tail = spawn(process.execPath, [BIN, 'logins', 'tail', '--client', creds.id, '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      tail.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => tail!.once('exit', resolve));
      // Steps written before the tail's first read come as its backlog, later ones as they
      // happen: either way each is printed once.
      const pkce = await pkcePair();
      const p = { url } as TestProvider;
      const res = await fetch(authorizeUrl(p, creds, { code_challenge: pkce.challenge }), { redirect: 'manual' });
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
      const wrong = (await pkcePair()).verifier;
      const refused = await postToken(p, grantBody(creds, code, wrong, REDIRECT));
      assert.equal(refused.status, 400);

      const deadline = Date.now() + 30_000;
      while (!/token\s+REFUSED/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const lines = out.trim().split('\n');
      const authorizeLine = lines.find((l) => / authorize /.test(l));
      assert.ok(authorizeLine, out);
      assert.match(authorizeLine, new RegExp(`${creds.id}\\s+\\S+\\s+sgid authorize\\s+OK\\s+automation mode: approved at once as persona •••••127H; code sent to ${REDIRECT}`));
      const tokenLine = lines.find((l) => / token /.test(l));
      assert.ok(tokenLine, out);
      assert.ok(
        tokenLine.includes(`REFUSED  refused by PKCE: BASE64URL(SHA256(code_verifier)) equals the code_challenge (400 invalid_grant): ${String(refused.body['error_description'])}`),
        tokenLine,
      );
      assert.ok(!out.includes(code) && !out.includes(wrong) && !out.includes(creds.secret));
      tail.kill('SIGTERM');
      assert.equal(await exited, 0);
      tail = undefined;
    } finally {
      tail?.kill('SIGKILL');
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
