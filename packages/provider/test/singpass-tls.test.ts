/**
 * HTTPS when asked (--tls-cert/--tls-key): with the README's one-liner certificate, trusted
 * the way the README says (NODE_EXTRA_CA_CERTS), an unmodified openid-client 6 — no
 * allowInsecureRequests — completes a Singpass FAPI login in a separate Node process, as
 * Singpass's own demo app would. A wrong or half TLS configuration stops the start with the flag.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { createSingpassClient } from '../src/portal/singpass-clients.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { runCli } from './helpers/provider-process.js';
import { freePort, startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { requireTool } from './helpers/store-services.js';

const PERSONA = builtInPersonas(new Date())[0]!;
const dir = mkdtempSync(join(tmpdir(), 'sgid-tls-'));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');

/** The README's one-liner (with the test's paths). */
function makeCertificate(): string | undefined {
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '365',
      '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `openssl could not make a certificate: ${(err as Error).message}`;
  }
}

/** The relying party: openid-client 6 as Singpass's demo app uses it, with nothing made insecure. */
const RP_SCRIPT = `
import * as oidc from ${JSON.stringify(import.meta.resolve('openid-client'))};
const { issuer, clientId, sig, enc, redirect } = JSON.parse(process.env.RP);
const sigKey = { kid: sig.kid, key: await crypto.subtle.importKey('jwk', sig, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']) };
const encKey = { kid: enc.kid, alg: 'ECDH-ES+A256KW', key: await crypto.subtle.importKey('jwk', enc, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']) };
const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.PrivateKeyJwt(sigKey));
oidc.enableDecryptingResponses(config, ['A256GCM', 'A256CBC-HS512'], encKey);
const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
const verifier = oidc.randomPKCECodeVerifier();
const nonce = oidc.randomNonce();
const state = oidc.randomState();
const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: redirect, scope: 'openid uinfin name', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce, state }, { DPoP });
const res = await fetch(url, { redirect: 'manual' });
const tokens = await oidc.authorizationCodeGrant(config, new URL(res.headers.get('location')), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true }, undefined, { DPoP });
const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub, { DPoP });
process.stdout.write(JSON.stringify({ sub: tokens.claims().sub, person_info: info.person_info }));
`;

function runNode(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = join(dir, `rp-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('HTTPS with --tls-cert and --tls-key', () => {
  let opensslProblem: string | undefined;
  let p: TestProvider | undefined;

  before(async () => {
    opensslProblem = makeCertificate();
    if (opensslProblem) return;
    const port = await freePort();
    p = await startProvider({ port, tlsCert: cert, tlsKey: key, publicUrl: `https://127.0.0.1:${port}`, autoApprove: PERSONA.id });
  });
  after(async () => {
    await p?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ready = (t: TestContext) => requireTool(t, opensslProblem) && p !== undefined;

  test('openid-client 6 without allowInsecureRequests completes a Myinfo login over HTTPS (NODE_EXTRA_CA_CERTS trusts the certificate)', async (t) => {
    if (!ready(t)) return;
    const sig = await generateKeyPair('ES256', { extractable: true });
    const enc = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(sig.publicKey)), kid: 's1', use: 'sig', alg: 'ES256' }, { ...(await exportJWK(enc.publicKey)), kid: 'e1', use: 'enc', alg: 'ECDH-ES+A256KW' }] };
    const client = await createSingpassClient(p!.store, { name: 'TLS RP', appType: 'myinfo', scopes: 'openid uinfin name', redirectUris: ['http://localhost:3080/callback'], jwks });
    const rp = {
      issuer: `${p!.url}/fapi`,
      clientId: client.id,
      sig: { ...(await exportJWK(sig.privateKey)), kid: 's1' },
      enc: { ...(await exportJWK(enc.privateKey)), kid: 'e1' },
      redirect: 'http://localhost:3080/callback',
    };
    const untrusted = await runNode(RP_SCRIPT, { RP: JSON.stringify(rp) });
    assert.notEqual(untrusted.code, 0, 'without trusting the certificate, the RP refuses the provider');
    const run = await runNode(RP_SCRIPT, { RP: JSON.stringify(rp), NODE_EXTRA_CA_CERTS: cert });
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { sub: string; person_info: { uinfin: { value: string } } };
    assert.equal(out.sub, PERSONA.uuid);
    assert.equal(out.person_info.uinfin.value, PERSONA.id);
  });

  test('the default public URL is https once TLS is on; plain HTTP to the TLS port gets no answer', async (t) => {
    if (!ready(t)) return;
    const res = await fetch(`${p!.url}/fapi/.well-known/openid-configuration`.replace('https:', 'http:')).catch((err: Error) => err);
    assert.ok(res instanceof Error || res.status >= 400);
  });

  test('a half, unreadable or wrong TLS configuration stops the start, naming the flag', async (t) => {
    if (!requireTool(t, opensslProblem)) return;
    const half = await runCli(['start', '--data', ':memory:', '--port', '0', '--tls-cert', cert]);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--tls-cert and --tls-key go together/);
    const missing = await runCli(['start', '--data', ':memory:', '--port', '0', '--tls-cert', join(dir, 'nope.pem'), '--tls-key', key]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /--tls-cert: cannot read .*nope\.pem \(ENOENT\)/);
    const swapped = await runCli(['start', '--data', ':memory:', '--port', '0', '--tls-cert', key, '--tls-key', cert]);
    assert.equal(swapped.code, 2, swapped.stderr);
    assert.match(swapped.stderr, /not a PEM certificate and its private key/);
  });
});
