/**
 * With the embedded SQLite store, a restart loses nothing: a login started before it completes
 * after it; clients, the signing key (same kid), personas from --personas, issued codes and
 * tokens survive; the pairwise sub is the same.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PATHS } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { makeNric } from '../src/wallet/personas/index.js';
import { authorizeUrl, getUserinfo, loginForCode, loginForTokens, pkcePair, postToken, tokenBody } from './helpers/oauth.js';
import type { IssuedCode } from './helpers/oauth.js';
import { freePort, startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { answerInWallet, continueToClient, openQrPage } from './helpers/wallet-flow.js';
import type { QrPage } from './helpers/wallet-flow.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const subOf = (idToken: string) => (JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
const jwksKids = async (p: TestProvider) =>
  ((await (await fetch(`${p.url}${PATHS.jwks}`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort();

describe('persistence across a restart (SQLite file)', () => {
  let dir: string;
  let data: string;
  let port: number;
  let p: TestProvider;
  let creds: ClientCredentials;
  const custom = { id: makeNric('S', '1234567'), label: 'Custom persona from a file', values: { 'myinfo.name': 'Persisted Persona Lim' } };

  // state carried over the restart
  let pending: QrPage;
  let unredeemed: IssuedCode;
  let tokenBefore: string;
  let subBefore: string;
  let customSubBefore: string;
  let kidBefore: string;
  let kidsBefore: string[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sgid-persist-'));
    data = join(dir, 'sgid.db');
    const personasFile = join(dir, 'personas.json');
    writeFileSync(personasFile, JSON.stringify({ personas: [custom] }));
    port = await freePort();
    p = await startProvider({ data, port, personas: personasFile });
    creds = await p.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] });

    const first = await loginForTokens(p, creds, { scope: 'openid myinfo.name' });
    tokenBefore = first.access_token;
    subBefore = subOf(first.id_token);
    kidBefore = kidOf(first.id_token);
    kidsBefore = await jwksKids(p);
    customSubBefore = subOf((await loginForTokens(p, creds, { personaId: custom.id })).id_token);
    unredeemed = await loginForCode(p, creds, { scope: 'openid myinfo.name' });
    pending = await openQrPage(authorizeUrl(p, creds, { scope: 'openid myinfo.name', code_challenge: (await pkcePair()).challenge, state: 'across' }));

    await p.close();
    // restart on the same file and port, WITHOUT --personas: the persona must come from the store
    p = await startProvider({ data, port });
    // This process's HTTP client may still hold keep-alive sockets to the old server, which a
    // real restart (a new process) would have closed: let them fail here, not in a test.
    await Promise.all(Array.from({ length: 4 }, () => fetch(`${p.url}/healthz`).then((r) => r.text()).catch(() => undefined)));
  });
  after(async () => {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the signing key survives: same kid in the JWKS and on new ID tokens', async () => {
    assert.deepEqual(await jwksKids(p), kidsBefore);
    const { id_token } = await loginForTokens(p, creds);
    assert.equal(kidOf(id_token), kidBefore);
  });

  test('the client survives, with its secret', async () => {
    const { access_token } = await loginForTokens(p, creds);
    assert.ok(access_token);
  });

  test('a login started before the restart completes after it', async () => {
    assert.equal(((await (await fetch(pending.statusUrl)).json()) as { status: string }).status, 'pending');
    await answerInWallet(pending.walletUrl, undefined, 'approve');
    const back = await continueToClient(pending);
    assert.equal(back.searchParams.get('state'), 'across');
    assert.ok(back.searchParams.get('code'));
  });

  test('a code issued before the restart is redeemed after it; a token issued before still works', async () => {
    const r = await postToken(p, tokenBody(creds, unredeemed));
    assert.equal(r.status, 200, r.text);
    const info = await getUserinfo(p, tokenBefore);
    assert.equal(info.status, 200, info.text);
    assert.equal(info.body['sub'], subBefore);
  });

  test('the pairwise sub is the same after the restart', async () => {
    const { id_token } = await loginForTokens(p, creds);
    assert.equal(subOf(id_token), subBefore);
  });

  test('a persona added with --personas survives (the restart had no --personas)', async () => {
    const { id_token } = await loginForTokens(p, creds, { personaId: custom.id });
    assert.equal(subOf(id_token), customSubBefore);
  });
});
