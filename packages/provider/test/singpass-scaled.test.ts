/**
 * Singpass on PostgreSQL + Redis with two provider instances behind one public URL (each with
 * its own connections, key ring and caches, as two processes): a FAPI login moves between them
 * at every step, and what must be single use — a request_uri, a code, an assertion's jti, a DPoP
 * proof's jti — is single use across both, because it lives in Redis.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { openScaledStore } from '../src/store/scaled.js';
import type { Store } from '../src/store/types.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { freePort, startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { SingpassRp, assertSingpassError } from './helpers/singpass-rp.js';
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

const PERSONA = builtInPersonas(new Date())[0]!;

describe('Singpass across two instances on PostgreSQL + Redis', () => {
  const schema = uniqueName('spscaled');
  const prefix = `${uniqueName('spscaled')}:`;
  let unavailable: string | undefined;
  let a: TestProvider | undefined;
  let b: TestProvider | undefined;
  /** C answers authorize at once (automation mode), on the same store and public URL. */
  let c: TestProvider | undefined;
  const stores: Store[] = [];

  before(async () => {
    unavailable = (await postgresUnreachable()) ?? (await redisUnreachable());
    if (unavailable) return;
    const open = () => openScaledStore({ databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, schema, prefix });
    stores.push(await open(), await open());
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    a = await startProvider({ store: stores[0]!, port, publicUrl });
    b = await startProvider({ store: stores[1]!, publicUrl });
    c = await startProvider({ store: stores[1]!, publicUrl, autoApprove: PERSONA.id });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await c?.close();
    await Promise.all(stores.map((s) => s.close()));
    if (!unavailable) {
      await dropSchemas(TEST_DATABASE_URL, [schema]);
      await deleteRedisPrefixes(TEST_REDIS_URL, [prefix]);
    }
  });

  const ready = (t: TestContext) => requireService(t, unavailable) && a !== undefined && b !== undefined;

  test('PAR on A, the QR page on B, the wallet on A, continue on B, token on A, userinfo on B', async (t) => {
    if (!ready(t)) return;
    const rp = await SingpassRp.register(a!, { appType: 'myinfo', scopes: 'openid uinfin name' });
    const { form, verifier, state } = await rp.parForm();
    rp.sendTo = a!.url;
    const par = await rp.par(form);
    assert.equal(par.status, 201, par.text);
    rp.sendTo = `http://127.0.0.1:${(b!.provider.app.server.address() as { port: number }).port}`;
    const bOrigin = rp.sendTo;
    const qr = await fetch(`${rp.target('/auth')}?${new URLSearchParams({ client_id: rp.client.id, request_uri: par.body['request_uri'] as string })}`);
    const html = await qr.text();
    assert.equal(qr.status, 200, html.slice(0, 300));
    const walletUrl = /id="open-wallet" href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const continueUrl = bOrigin + /data-continue-url="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    // The wallet on A (the public URL), approving.
    const login = new URL(walletUrl).pathname;
    const approved = await fetch(`${a!.url}${login}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ persona: PERSONA.id, decision: 'approve' }).toString(),
    });
    assert.equal(approved.status, 200, await approved.text());
    const back = await fetch(continueUrl, { redirect: 'manual' });
    assert.equal(back.status, 302);
    const location = new URL(back.headers.get('location')!);
    assert.equal(location.searchParams.get('state'), state);
    rp.sendTo = a!.url;
    const token = await rp.token(await rp.tokenForm(location.searchParams.get('code')!, verifier));
    assert.equal(token.status, 200, token.text);
    rp.sendTo = bOrigin;
    const info = await rp.userinfo(token.body['access_token'] as string);
    assert.equal(info.status, 200, info.text);
    const { payload } = await rp.open(info.text);
    assert.equal((payload['person_info'] as { uinfin: { value: string } }).uinfin.value, PERSONA.id);
  });

  test('single use across instances: request_uri, code, assertion jti, DPoP jti', async (t) => {
    if (!ready(t)) return;
    const rp = await SingpassRp.register(a!, { appType: 'myinfo', scopes: 'openid name' });
    const bOrigin = `http://127.0.0.1:${(b!.provider.app.server.address() as { port: number }).port}`;

    // An assertion and a proof used on A are refused on B.
    const { form } = await rp.parForm();
    const proof = await rp.proof('POST', rp.url('/par'));
    rp.sendTo = a!.url;
    assert.equal((await rp.par(form, proof)).status, 201);
    rp.sendTo = bOrigin;
    assertSingpassError(await rp.par(form, await rp.proof('POST', rp.url('/par'))), 401, 'invalid_client', /was used before/);
    const { form: fresh } = await rp.parForm();
    assertSingpassError(await rp.par(fresh, proof), 400, 'invalid_dpop_proof', /was used before/);

    // A request_uri consumed on B is gone on A.
    const { form: f2 } = await rp.parForm();
    const par = await rp.par(f2);
    const uri = par.body['request_uri'] as string;
    const onB = await rp.authorize(uri);
    assert.equal(onB.status, 200, 'the QR page on B');
    rp.sendTo = a!.url;
    const onA = await rp.authorize(uri);
    assert.equal(onA.status, 400);
    assert.match(onA.html, /already used/);

    // A code redeemed on A is spent on B too, and the replay revokes A's token.
    const cOrigin = `http://127.0.0.1:${(c!.provider.app.server.address() as { port: number }).port}`;
    rp.sendTo = cOrigin;
    const code = await rp.code();
    rp.sendTo = a!.url;
    const first = await rp.token(await rp.tokenForm(code.code, code.verifier));
    assert.equal(first.status, 200, first.text);
    rp.sendTo = bOrigin;
    assertSingpassError(await rp.token(await rp.tokenForm(code.code, code.verifier)), 400, 'invalid_grant', /already been used/);
    rp.sendTo = a!.url;
    assert.equal((await rp.userinfo(first.body['access_token'] as string)).status, 401);
  });
});
