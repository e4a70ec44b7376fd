/**
 * Singpass FAPI 2.0 logins in a real browser: a relying party on openid-client 6 (PAR, DPoP,
 * private_key_jwt, JWE) sends Chromium to the provider's QR page; a second, phone-sized page
 * opens the wallet from the URL decoded out of the QR image, picks a persona and approves; the
 * first page comes back to the RP, which shows what the ID token and userinfo said. A Login app
 * and a Myinfo app. Screenshots go to test-results/screenshots/singpass-*.png.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { createSingpassClient } from '../src/portal/singpass-clients.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { DESKTOP, PHONE, SKIP_BROWSER, decodeQr, launchChromium, pickPersona, screenshot } from './helpers/browser.js';
import { freePort, startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';

const personas = builtInPersonas(new Date());

/** A minimal RP: /login starts a FAPI login, /callback finishes it and shows the result as JSON in <pre>. */
async function startRp(p: TestProvider, appType: 'login' | 'myinfo', scope: string): Promise<{ url: string; name: string; server: Server }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sig = await generateKeyPair('ES256', { extractable: true });
  const enc = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const name = appType === 'login' ? 'Browser Login app' : 'Browser Myinfo app';
  const client = await createSingpassClient(p.store, {
    name,
    appType,
    scopes: scope,
    redirectUris: [`${url}/callback`],
    jwks: { keys: [{ ...(await exportJWK(sig.publicKey)), kid: 'b-sig', use: 'sig', alg: 'ES256' }, { ...(await exportJWK(enc.publicKey)), kid: 'b-enc', use: 'enc', alg: 'ECDH-ES+A256KW' }] },
  });
  const config = await oidc.discovery(new URL(`${p.url}/fapi`), client.id, undefined, oidc.PrivateKeyJwt({ key: sig.privateKey, kid: 'b-sig' }), { execute: [oidc.allowInsecureRequests] });
  oidc.enableDecryptingResponses(config, ['A256GCM', 'A256CBC-HS512'], { key: enc.privateKey, kid: 'b-enc', alg: 'ECDH-ES+A256KW' } as never);
  // One login at a time in this test: its secrets in memory (a real RP keeps them per session).
  let pending: { verifier: string; nonce: string; state: string; dpop: oidc.DPoPHandle } | undefined;
  const server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', url);
      if (u.pathname === '/login') {
        const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
        pending = { verifier: oidc.randomPKCECodeVerifier(), nonce: oidc.randomNonce(), state: oidc.randomState(), dpop };
        const to = await oidc.buildAuthorizationUrlWithPAR(
          config,
          {
            redirect_uri: `${url}/callback`,
            scope,
            code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
            code_challenge_method: 'S256',
            nonce: pending.nonce,
            state: pending.state,
            ...(appType === 'login' ? { authentication_context_type: 'APP_AUTHENTICATION_DEFAULT', authentication_context_message: 'Log in to the browser test' } : {}),
          },
          { DPoP: dpop },
        );
        res.writeHead(302, { location: to.href }).end();
        return;
      }
      if (u.pathname === '/callback' && pending) {
        const { verifier, nonce, state, dpop } = pending;
        const tokens = await oidc.authorizationCodeGrant(config, u, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true }, undefined, { DPoP: dpop });
        const claims = tokens.claims()!;
        const info = appType === 'myinfo' ? await oidc.fetchUserInfo(config, tokens.access_token, claims.sub, { DPoP: dpop }) : undefined;
        const body = JSON.stringify({ sub: claims.sub, sub_attributes: claims['sub_attributes'], person_info: info?.['person_info'] });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Logged in</title><h1>Logged in</h1><pre id="result">${body.replace(/</g, '&lt;')}</pre>`);
        return;
      }
      res.writeHead(404).end();
    })().catch((err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err.cause ?? err)));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url, name, server };
}

describe('Singpass in Chromium: openid-client 6, the QR page and the wallet', { skip: SKIP_BROWSER }, () => {
  let p: TestProvider;
  let browser: Browser;
  const servers: Server[] = [];

  before(async () => {
    p = await startProvider();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) s.close();
    await p?.close();
  });

  async function loginInBrowser(appType: 'login' | 'myinfo', scope: string, personaIndex: number) {
    const rp = await startRp(p, appType, scope);
    servers.push(rp.server);
    const desktop = await browser.newContext(DESKTOP);
    const phone = await browser.newContext(PHONE);
    try {
      const page = await desktop.newPage();
      await page.goto(`${rp.url}/login`);
      await page.waitForURL((u) => u.pathname === '/fapi/auth');
      await page.getByRole('heading', { name: `Log in to ${rp.name}` }).waitFor();
      assert.match((await page.locator('.eyebrow').textContent()) ?? '', /Singpass/);
      await screenshot(page, `singpass-${appType}-01-qr`);
      const walletUrl = await decodeQr(page);
      assert.match(walletUrl, new RegExp(`^${p.url}/wallet/`));
      const wallet = await phone.newPage();
      const name = await pickPersona(wallet, walletUrl, personaIndex, { clientName: rp.name });
      await screenshot(wallet, `singpass-${appType}-02-consent`);
      const consent = (await wallet.locator('main').textContent()) ?? '';
      await wallet.getByRole('button', { name: 'Approve' }).click();
      await wallet.getByRole('heading', { name: 'Approved' }).waitFor();
      // The QR page notices by itself and goes back to the RP.
      await page.waitForURL((u) => u.href.startsWith(`${rp.url}/callback`));
      await page.getByRole('heading', { name: 'Logged in' }).waitFor();
      await screenshot(page, `singpass-${appType}-03-back`);
      const result = JSON.parse((await page.locator('#result').textContent()) ?? '{}') as Record<string, unknown>;
      return { name, consent, result };
    } finally {
      await desktop.close();
      await phone.close();
    }
  }

  test('a Login app: the wallet shows the context message and the attributes; the RP gets sub and sub_attributes', async () => {
    const persona = personas[1]!;
    const { name, consent, result } = await loginInBrowser('login', 'openid user.identity name', 1);
    assert.equal(name, persona.values['myinfo.name']);
    assert.match(consent, /Log in to the browser test/);
    assert.match(consent, new RegExp(persona.id));
    assert.equal(result['sub'], persona.uuid);
    assert.deepEqual(result['sub_attributes'], { account_type: 'standard', identity_number: persona.id, identity_coi: 'SG', name: persona.values['myinfo.name'] });
  });

  test('a Myinfo app: the wallet lists the Myinfo items with their values; the RP gets person_info', async () => {
    const persona = personas[3]!;
    const { name, consent, result } = await loginInBrowser('myinfo', 'openid uinfin name regadd', 3);
    assert.equal(name, persona.values['myinfo.name']);
    for (const text of ['NRIC / FIN', 'Registered address', '456 JURONG WEST STREET 41, #11-205, SINGAPORE 640456']) assert.ok(consent.includes(text), `consent lacks ${text}`);
    assert.equal(result['sub'], persona.uuid);
    const info = result['person_info'] as { uinfin: { value: string }; name: { value: string } };
    assert.equal(info.uinfin.value, persona.id);
    assert.equal(info.name.value, 'Nguyễn Thị Hương');
  });
});
