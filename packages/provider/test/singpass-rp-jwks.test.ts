/**
 * Relying parties that publish their JWKS at a URL, served here by a real HTTP server that
 * counts its fetches: cached between logins, fetched again on an unknown kid (at most once per
 * interval), and every failure to get valid keys answered invalid_client naming the URL.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { freePort, startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { SingpassRp, assertSingpassError, ecKeyPair } from './helpers/singpass-rp.js';

const PERSONA = builtInPersonas(new Date())[0]!;
const MIN_REFETCH_MS = 400;

/** A JWKS server: GET /jwks serves `body` (a function, so a test can rotate keys); /slow never answers; /broken 500s. */
class JwksServer {
  fetches = 0;
  body: () => unknown = () => ({ keys: [] });
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    const port = await freePort();
    this.server = createServer((req, res) => {
      if (req.url === '/jwks') {
        this.fetches++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.body()));
      } else if (req.url === '/broken') {
        res.writeHead(500).end('oops');
      } else if (req.url === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      } else if (req.url === '/slow') {
        // Never answers: the provider's timeout must.
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('RP JWKS at a URL', () => {
  let p: TestProvider;
  const jwks = new JwksServer();

  before(async () => {
    await jwks.start();
    p = await startProvider({ autoApprove: PERSONA.id, singpassJwksFetch: { minRefetchMs: MIN_REFETCH_MS } });
  });
  after(async () => {
    await p.close();
    await jwks.stop();
  });

  test('fetched once and cached across logins; a new kid is fetched again; an unknown one soon after is not', async () => {
    const keys = await SingpassRp.keys();
    jwks.body = () => SingpassRp.jwksOf(keys.sig, keys.enc);
    const rp = await SingpassRp.register(p, { jwksUri: `${jwks.url}/jwks` }, keys);
    await rp.tokens();
    await rp.tokens();
    assert.equal(jwks.fetches, 1, 'two logins, one fetch');

    // The RP rotates its signing key: the server publishes the new key, the RP signs with it.
    const next = { ...(await ecKeyPair('ES256')), kid: 'sig-next' };
    jwks.body = () => ({ keys: [...SingpassRp.jwksOf(keys.sig, keys.enc).keys, { ...next.publicJwk, kid: next.kid, use: 'sig', alg: 'ES256' }] });
    await new Promise((r) => setTimeout(r, MIN_REFETCH_MS + 100));
    const { form } = await rp.parForm({ client_assertion: await rp.assertion({ header: { kid: next.kid }, key: next.privateKey }) });
    const rotated = await rp.par(form);
    assert.equal(rotated.status, 201, rotated.text);
    assert.equal(jwks.fetches, 2, 'the unknown kid made the provider fetch again');

    // An assertion naming a kid that is not there, right after: no third fetch, refused.
    const { form: bad } = await rp.parForm({ client_assertion: await rp.assertion({ header: { kid: 'no-such-kid' } }) });
    assertSingpassError(await rp.par(bad), 401, 'invalid_client', /kid "no-such-kid", which the JWKS at http:\/\/127\.0\.0\.1:\d+\/jwks does not have/);
    assert.equal(jwks.fetches, 2, 'at most one fetch per interval');
  });

  test('unreachable, 500, not JSON, an invalid JWKS, no answer within 3 s → invalid_client naming the URL', { timeout: 30_000 }, async () => {
    const closed = `http://127.0.0.1:${await freePort()}/jwks`;
    const cases: [string, RegExp][] = [
      [closed, /cannot fetch the client's JWKS from http:\/\/127\.0\.0\.1:\d+\/jwks: ECONNREFUSED/],
      [`${jwks.url}/broken`, /\/broken: HTTP 500/],
      [`${jwks.url}/html`, /\/html is not JSON/],
      [`${jwks.url}/slow`, /\/slow: no answer within 3 s/],
    ];
    for (const [url, pattern] of cases) {
      const rp = await SingpassRp.register(p, { jwksUri: url });
      const { form } = await rp.parForm();
      assertSingpassError(await rp.par(form), 401, 'invalid_client', pattern);
    }
    const keys = await SingpassRp.keys();
    jwks.body = () => ({ keys: [{ ...SingpassRp.jwksOf(keys.sig, keys.enc).keys[0], d: 'leaked' }] });
    const rp = await SingpassRp.register(p, { jwksUri: `${jwks.url}/jwks` }, keys);
    const { form } = await rp.parForm();
    assertSingpassError(await rp.par(form), 401, 'invalid_client', /the JWKS at .* is not a valid Singpass JWKS: keys\[0\]\.d: a private key member.*has no encryption key/);
  });
});
