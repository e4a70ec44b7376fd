/**
 * Keys: generation, validation with messages that name the key and the member, the public JWKS
 * and its handlers, rotation (decrypt with whichever encryption key Singpass chose), and the
 * `singpass-client keys` CLI.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  SingpassClient,
  SingpassConfigError,
  expressLoginHandlers,
  createLoginFlow,
  generateKey,
  generateKeys,
  jwksResponse,
  nextLoginRoutes,
  parsePrivateJwks,
  type Jwks,
} from '../src/index.ts';
import { startFapiDouble } from './helpers/fapi-double.ts';

const execFileP = promisify(execFile);
const CLI = join(import.meta.dirname, '../bin/singpass-client.js');

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [CLI, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function invalid(keys: unknown, pattern: RegExp): void {
  assert.throws(
    () => parsePrivateJwks(keys),
    (e: unknown) => e instanceof SingpassConfigError && e.code === 'ERR_INVALID_KEYS' && pattern.test(e.message),
  );
}

describe('keys', () => {
  it('generates an ES256 signing key and an ECDH-ES+A256KW encryption key, with kid, use and alg', async () => {
    const { privateJwks, publicJwks } = await generateKeys();
    assert.deepEqual(
      privateJwks.keys.map((k) => [k.kty, k.crv, k.use, k.alg, typeof k.d]),
      [
        ['EC', 'P-256', 'sig', 'ES256', 'string'],
        ['EC', 'P-256', 'enc', 'ECDH-ES+A256KW', 'string'],
      ],
    );
    assert.notEqual(privateJwks.keys[0]!.kid, privateJwks.keys[1]!.kid);
    assert.ok(publicJwks.keys.every((k) => k.d === undefined && typeof k.kid === 'string'));
    const p384 = await generateKey('sig', { curve: 'P-384' });
    assert.deepEqual([p384.crv, p384.alg], ['P-384', 'ES384']);
  });

  it('refuses key sets Singpass would refuse, naming the key and what is wrong', async () => {
    const { privateJwks } = await generateKeys();
    const [sig, enc] = privateJwks.keys as [Jwks['keys'][0], Jwks['keys'][0]];
    invalid('not json', /not JSON/);
    invalid({ keys: [sig] }, /no encryption key/);
    invalid({ keys: [enc] }, /no signing key/);
    invalid({ keys: [{ ...sig, kty: 'RSA' }, enc] }, /keys\[0\].*EC keys/);
    invalid({ keys: [{ ...sig, d: undefined }, enc] }, /keys\[0\]: no private part "d"/);
    invalid({ keys: [sig, { ...enc, kid: sig.kid }] }, /kid .* used twice/);
    invalid({ keys: [{ ...sig, alg: 'ES384' }, enc] }, /needs "alg": "ES256"/);
    invalid({ keys: [sig, { ...enc, alg: 'RSA-OAEP-256' }] }, /keys\[1\].*ECDH-ES\+A256KW/);
    invalid({ keys: [sig, { ...enc, use: 'encryption' }] }, /"use" must be/);
    // Singpass's demo app writes its keys without "use": inferred from "alg".
    const noUse = parsePrivateJwks({ keys: [{ ...sig, use: undefined }, { ...enc, use: undefined }] });
    assert.deepEqual(noUse.keys.map((k) => k.use), ['sig', 'enc']);
    invalid({ keys: [{ ...sig, x: 'short' }, enc] }, /"x" is not a 32-byte/);
    assert.equal(parsePrivateJwks(JSON.stringify(privateJwks)).keys.length, 2);
  });

  it('serves only the public keys, from the client and from each handler', async () => {
    const { privateJwks, publicJwks } = await generateKeys();
    const client = new SingpassClient({ issuer: 'https://stg-id.singpass.gov.sg/fapi', clientId: 'c', keys: privateJwks, redirectUri: 'https://app.example/cb' });
    assert.deepEqual(client.jwks(), publicJwks);
    const web = jwksResponse(client);
    assert.equal(web.headers.get('content-type'), 'application/json');
    assert.deepEqual(await web.json(), publicJwks);
    const flow = createLoginFlow({ client, secret: 'x'.repeat(32) });
    assert.deepEqual(await nextLoginRoutes(flow, { onSuccess: () => new Response() }).GET(new Request('https://app.example/auth/jwks')).then((r) => r.json()), publicJwks);
    let body = '';
    const res = { statusCode: 0, headers: {} as Record<string, unknown>, setHeader(n: string, v: unknown) { this.headers[n] = v; }, end(b: string) { body = b; } };
    expressLoginHandlers(flow, { onSuccess: () => {} }).jwks({ headers: {} }, res);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(body), publicJwks);
    assert.doesNotMatch(body, /"d"/);
  });

  it('decrypts with whichever of several encryption keys Singpass chose (rotation)', async () => {
    const double = await startFapiDouble({ appType: 'login' });
    try {
      const next = await generateKey('enc');
      const keys = { keys: [...double.clientKeys.keys, next] };
      const client = new SingpassClient({ issuer: double.issuer, clientId: double.clientId, keys, redirectUri: double.redirectUri, allowHttpLoopback: true });
      for (const to of [undefined, next]) {
        double.hooks = to ? { idTokenEncrypt: { to } } : {};
        const { url, session } = await client.authorizationUrl();
        assert.equal((await client.callback(await double.approve(url), session)).sub, double.sub);
      }
    } finally {
      await double.close();
    }
  });
});

describe('singpass-client keys (CLI)', () => {
  it('generates a private JWKS file (mode 600) and prints the public JWKS; never overwrites without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-keys-'));
    const first = await cli(['keys', 'generate'], dir);
    assert.equal(first.code, 0, first.stderr);
    const file = join(dir, 'singpass-keys.json');
    const privateJwks = parsePrivateJwks(readFileSync(file, 'utf8'));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const printed = JSON.parse(first.stdout) as Jwks;
    assert.deepEqual(printed.keys.map((k) => k.kid), privateJwks.keys.map((k) => k.kid));
    assert.ok(printed.keys.every((k) => k.d === undefined));
    assert.match(first.stderr, /Keep them secret/);

    const again = await cli(['keys', 'generate'], dir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists.*--force/);
    assert.equal(readFileSync(file, 'utf8'), JSON.stringify(privateJwks, null, 2) + '\n');

    const pub = await cli(['keys', 'public', 'singpass-keys.json'], dir);
    assert.deepEqual(JSON.parse(pub.stdout), printed);
  });

  it('rotates: add a key at the end, remove the old one an hour later', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-keys-'));
    await cli(['keys', 'generate', '--out', 'k.json'], dir);
    const before = parsePrivateJwks(readFileSync(join(dir, 'k.json'), 'utf8'));
    const added = await cli(['keys', 'add', 'k.json', '--use', 'sig'], dir);
    assert.equal(added.code, 0, added.stderr);
    const after = parsePrivateJwks(readFileSync(join(dir, 'k.json'), 'utf8'));
    assert.equal(after.keys.length, 3);
    assert.equal(after.keys[0]!.kid, before.keys[0]!.kid, 'the old signing key still signs');
    assert.equal(JSON.parse(added.stdout).keys.length, 3);
    const removed = await cli(['keys', 'remove', 'k.json', '--kid', before.keys[0]!.kid!], dir);
    assert.equal(removed.code, 0, removed.stderr);
    const final = parsePrivateJwks(readFileSync(join(dir, 'k.json'), 'utf8'));
    assert.deepEqual(final.keys.map((k) => k.use), ['enc', 'sig']);
    const last = await cli(['keys', 'remove', 'k.json', '--kid', final.keys[1]!.kid!], dir);
    assert.equal(last.code, 1);
    assert.match(last.stderr, /no signing key/);
  });

  it('names the mistake: unknown command, flag, curve, missing file, a public key file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-keys-'));
    for (const [args, pattern] of [
      [['keys', 'make'], /unknown command "keys make"/],
      [['keys', 'generate', '--curv', 'P-256'], /--curv/],
      [['keys', 'generate', '--curve', 'P-192'], /--curve: P-192/],
      [['keys', 'public', 'nope.json'], /nope.json: no such file/],
      [['signing'], /unknown command "signing"/],
    ] as const) {
      const r = await cli([...args], dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, pattern);
    }
    const { publicJwks } = await generateKeys();
    writeFileSync(join(dir, 'pub.json'), JSON.stringify(publicJwks));
    const r = await cli(['keys', 'public', 'pub.json'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no private part "d"/);
    assert.equal((await cli(['--help'], dir)).code, 0);
  });
});
