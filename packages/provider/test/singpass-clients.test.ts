/**
 * Registering Singpass relying parties: the registry's checks (every mistake at once, each
 * naming its field; the RP JWKS rules of SINGPASS.md §1a), and the CLI contract
 * `sgid-provider singpass clients create|list|delete` as a user runs it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import { rpJwksProblems } from 'sgid-protocol';
import { SingpassClientInputError, createSingpassClient, validateSingpassClientInput } from '../src/portal/singpass-clients.js';
import { createMemoryStore } from '../src/store/memory/index.js';
import { runCli } from './helpers/cli.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function jwks(): Promise<{ keys: JWK[] }> {
  const sig = await generateKeyPair('ES256', { extractable: true });
  const enc = await generateKeyPair('ECDH-ES', { crv: 'P-384', extractable: true });
  return {
    keys: [
      { ...(await exportJWK(sig.publicKey)), kid: 'sig-1', use: 'sig', alg: 'ES256' },
      { ...(await exportJWK(enc.publicKey)), kid: 'enc-1', use: 'enc', alg: 'ECDH-ES+A256KW' },
    ],
  };
}

const problemsOf = (fn: () => unknown): { field: string; message: string }[] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SingpassClientInputError, String(err));
    return [...err.problems];
  }
  assert.fail('no problem reported');
};

describe('RP JWKS rules', () => {
  test('a valid JWKS has no problem', async () => {
    assert.deepEqual(rpJwksProblems(await jwks()), []);
  });

  test('each broken rule is named with the key\'s path', async () => {
    const good = await jwks();
    const [sig, enc] = good.keys as [JWK, JWK];
    const cases: [unknown, RegExp][] = [
      [{ keys: [{ ...sig, kid: undefined }, enc] }, /keys\[0\]\.kid: is required/],
      [{ keys: [sig, { ...enc, kid: 'sig-1' }] }, /keys\[1\]\.kid: "sig-1" is also the kid of keys\[0\]/],
      [{ keys: [{ ...sig, d: 'secret' }, enc] }, /keys\[0\]\.d: a private key member/],
      [{ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r', use: 'sig' }, enc] }, /keys\[0\]\.kty: must be "EC"/],
      [{ keys: [{ ...sig, crv: 'secp256k1' }, enc] }, /keys\[0\]\.crv: must be one of P-256, P-384, P-521/],
      [{ keys: [{ ...sig, use: undefined }, enc] }, /keys\[0\]\.use: must be "sig" or "enc"/],
      [{ keys: [sig, { ...enc, alg: undefined }] }, /keys\[1\]\.alg: an encryption key needs an alg/],
      [{ keys: [sig, { ...enc, alg: 'RSA-OAEP-256' }] }, /keys\[1\]\.alg: an encryption key needs an alg/],
      [{ keys: [{ ...sig, alg: 'ES384' }, enc] }, /ES384 signs with P-384, but this key is P-256/],
      [{ keys: [sig] }, /keys: has no encryption key/],
      [{ keys: [enc] }, /keys: has no signing key/],
      [{ keys: [] }, /keys: is empty/],
      [{ keys: [{ ...sig, x: 'AAAA' }, enc] }, /keys\[0\]\.x: is 3 bytes; a P-256 coordinate has 32/],
      ['{}', /must be a JSON object/],
    ];
    for (const [value, pattern] of cases) {
      const text = rpJwksProblems(value).map((p) => `${p.path}: ${p.message}`).join('\n');
      assert.match(text, pattern, `for ${JSON.stringify(value).slice(0, 80)}`);
    }
  });
});

describe('the Singpass client registry', () => {
  test('every mistake at once, each naming its field', () => {
    const problems = problemsOf(() =>
      validateSingpassClientInput({ name: '', appType: 'website', scopes: 'openid', redirectUris: ['ftp://x'], jwksUri: 'http://rp.example/jwks', legacyProfile: 'bridge', acrValues: 'urn:singpass:authentication:loa:1' }, 'short'),
    );
    assert.deepEqual(problems.map((p) => p.field).sort(), ['acrValues', 'appType', 'id', 'jwksUri', 'legacyProfile', 'name', 'redirectUris'].sort());
    assert.match(problems.find((p) => p.field === 'jwksUri')!.message, /must use https \(plain http only for localhost/);
    assert.match(problems.find((p) => p.field === 'id')!.message, /32 letters and digits/);
  });

  test('scopes by app type: a Login app takes user.identity name email mobileno; a Myinfo app Myinfo items', async () => {
    const keys = await jwks();
    const login = problemsOf(() => validateSingpassClientInput({ name: 'L', appType: 'login', scopes: 'openid uinfin', redirectUris: ['https://rp/cb'], jwks: keys }));
    assert.match(login[0]!.message, /scope uinfin not allowed: a Login app may request user.identity, name, email, mobileno/);
    const myinfo = problemsOf(() => validateSingpassClientInput({ name: 'M', appType: 'myinfo', scopes: 'openid user.identity cpf', redirectUris: ['https://rp/cb'], jwks: keys }));
    assert.match(myinfo[0]!.message, /scopes user.identity, cpf not allowed/);
    const ok = validateSingpassClientInput({ name: 'M', appType: 'myinfo', scopes: 'uinfin name', redirectUris: ['https://rp/cb'], jwks: keys });
    assert.deepEqual(ok.scopes, ['openid', 'uinfin', 'name'], 'openid is added');
    assert.equal(ok.legacyProfile, 'direct', 'the legacy profile defaults to direct');
  });

  test('keys: a JWKS URL or an inline JWKS, not both, not neither; a point off the curve is refused', async () => {
    const keys = await jwks();
    const base = { name: 'K', appType: 'myinfo', scopes: 'openid', redirectUris: ['https://rp/cb'] };
    assert.match(problemsOf(() => validateSingpassClientInput(base))[0]!.message, /public keys are required/);
    assert.match(problemsOf(() => validateSingpassClientInput({ ...base, jwks: keys, jwksUri: 'https://rp/jwks' }))[0]!.message, /not both/);
    const off = { keys: [{ ...keys.keys[0]!, y: keys.keys[0]!.x }, keys.keys[1]!] };
    assert.match(problemsOf(() => validateSingpassClientInput({ ...base, jwks: off }))[0]!.message, /not a point on P-256/);
    assert.match(problemsOf(() => validateSingpassClientInput({ ...base, jwks: '{not json' }))[0]!.message, /not valid JSON/);
  });

  test('only public members are kept; ids are 32 alphanumerics; a taken id is refused', async () => {
    const store = createMemoryStore();
    const keys = await jwks();
    const withExtra = { keys: keys.keys.map((k) => ({ ...k, x5c: ['MIIB'], ext: true })) };
    const c = await createSingpassClient(store, { name: 'Kept', appType: 'myinfo', scopes: 'openid name', redirectUris: ['https://rp/cb'], jwks: withExtra });
    assert.match(c.id, /^[A-Za-z0-9]{32}$/);
    assert.deepEqual(c.jwks!.keys.map((k) => Object.keys(k).sort()), [
      ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
      ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
    ]);
    await assert.rejects(createSingpassClient(store, { name: 'Again', appType: 'myinfo', scopes: 'openid', redirectUris: ['https://rp/cb'], jwks: keys }, c.id), /already exists/);
  });
});

describe('sgid-provider singpass clients', () => {
  test('create --json prints the client with its id; list shows it; delete removes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-sp-cli-'));
    dirs.push(dir);
    const data = join(dir, 'sgid.db');
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify(await jwks()));
    const id = 'RsrOy2iB0edR53TJSuD5ULad1pGmrVZL';
    const created = await runCli([
      'singpass', 'clients', 'create', '--name', 'Demo app', '--redirect-uri', 'http://localhost:3080/callback', '--redirect-uri', 'https://rp.example/cb',
      '--app-type', 'myinfo', '--scope', 'openid uinfin name', '--jwks', file, '--legacy-profile', 'direct_pii_allowed', '--id', id, '--json', '--data', data,
    ]);
    assert.equal(created.code, 0, created.stderr);
    const client = JSON.parse(created.stdout) as Record<string, unknown>;
    assert.equal(client['id'], id);
    assert.equal(client['appType'], 'myinfo');
    assert.deepEqual(client['scopes'], ['openid', 'uinfin', 'name']);
    assert.deepEqual(client['redirectUris'], ['http://localhost:3080/callback', 'https://rp.example/cb']);
    assert.equal(client['legacyProfile'], 'direct_pii_allowed');
    assert.equal((client['jwks'] as { keys: unknown[] }).keys.length, 2);

    const byUrl = await runCli([
      'singpass', 'clients', 'create', '--name', 'URL app', '--redirect-uri', 'https://rp.example/cb', '--app-type', 'login',
      '--scope', 'openid name', '--jwks-uri', 'https://rp.example/.well-known/jwks.json', '--data', data,
    ]);
    assert.equal(byUrl.code, 0, byUrl.stderr);
    assert.match(byUrl.stdout, /Registered Singpass Login app "URL app"/);
    assert.match(byUrl.stdout, /FAPI 2\.0 +issuer http:\/\/localhost:5156\/fapi/);

    const listed = await runCli(['singpass', 'clients', 'list', '--json', '--data', data]);
    const rows = JSON.parse(listed.stdout) as { id: string; jwksUri?: string }[];
    assert.equal(rows.length, 2);
    assert.equal(rows[1]!.jwksUri, 'https://rp.example/.well-known/jwks.json');
    const table = await runCli(['singpass', 'clients', 'list', '--data', data]);
    assert.match(table.stdout, new RegExp(`${id} +Demo app +myinfo`));

    const deleted = await runCli(['singpass', 'clients', 'delete', id, '--data', data]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(JSON.parse((await runCli(['singpass', 'clients', 'list', '--json', '--data', data])).stdout).length, 1);
    const again = await runCli(['singpass', 'clients', 'delete', id, '--data', data]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /no Singpass client with id/);
  });

  test('every mistake is reported at once with its flag, exit 2, nothing registered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-sp-cli-'));
    dirs.push(dir);
    const data = join(dir, 'sgid.db');
    const r = await runCli(['singpass', 'clients', 'create', '--app-type', 'website', '--scope', 'openid', '--jwks', join(dir, 'missing.json'), '--id', 'abc', '--data', data]);
    assert.equal(r.code, 2);
    for (const line of [
      /error: --jwks .*missing\.json: cannot read the file \(ENOENT\)/,
      /error: --name is required/,
      /error: --app-type: app type must be "login"/,
      /error: --redirect-uri is required/,
      /error: --id: client id "abc" must be 32 letters and digits/,
    ]) {
      assert.match(r.stderr, line);
    }
    assert.deepEqual(JSON.parse((await runCli(['singpass', 'clients', 'list', '--json', '--data', data])).stdout), []);
  });
});
