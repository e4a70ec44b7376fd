/**
 * The CLI, spawned as a user runs it (`node packages/provider/bin/sgid-provider.js …`):
 * client management, personas, usage errors (exit code 2, naming the flag), what the store
 * keeps of a client, and the CLI working on the data file of a running server.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClientCredentials } from 'sgid-protocol';
import Database from 'better-sqlite3';
import { makeNric } from '../src/wallet/personas/index.js';
import { singaporeDay } from './helpers/expected-values.js';
import { getUserinfo, loginForTokens } from './helpers/oauth.js';
import { runCli } from './helpers/cli.js';
import { startProvider } from './helpers/provider.js';

const REDIRECT = 'http://localhost:5001/api/redirect';

function scanDir(dir: string, needle: string): boolean {
  return readdirSync(dir).some((f) => readFileSync(join(dir, f)).includes(Buffer.from(needle)));
}

describe('sgid-provider CLI', () => {
  let dir: string;
  let data: string;
  const cli = (...args: string[]) => runCli([...args, '--data', data]);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sgid-cli-'));
    data = join(dir, 'sgid.db');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('clients create --json prints the credentials once; list shows no secrets; delete removes it', async () => {
    const r = await cli('clients', 'create', '--name', 'Ice Cream', '--description', 'Sells ice cream', '--redirect-uri', REDIRECT, '--scope', 'openid myinfo.name', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', '--json prints nothing else');
    const creds = JSON.parse(r.stdout) as ClientCredentials;
    assert.deepEqual(Object.keys(creds).sort(), ['description', 'id', 'name', 'privateKey', 'publicKey', 'redirectUris', 'scopes', 'secret'].sort());
    assert.equal(creds.name, 'Ice Cream');
    assert.equal(creds.description, 'Sells ice cream');
    assert.deepEqual(creds.scopes, ['openid', 'myinfo.name']);
    assert.deepEqual(creds.redirectUris, [REDIRECT]);
    assert.equal(creds.secret.length, 32);
    assert.match(creds.privateKey!, /BEGIN PRIVATE KEY/);
    assert.match(creds.publicKey, /BEGIN PUBLIC KEY/);
    assert.equal(createPublicKey(creds.publicKey).asymmetricKeyDetails?.modulusLength, 2048);

    // the store keeps only the secret's hash, and never the private key
    assert.equal(scanDir(dir, creds.name), true, 'positive control: the scan reads the store');
    assert.equal(scanDir(dir, creds.secret), false, 'the client secret is stored in clear');
    const keyBody = creds.privateKey!.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const line of keyBody.slice(0, 5)) assert.equal(scanDir(dir, line), false, 'the private key is stored');

    const [list, table] = await Promise.all([cli('clients', 'list', '--json'), cli('clients', 'list')]);
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout) as Record<string, unknown>[];
    const mine = listed.find((c) => c['id'] === creds.id);
    assert.ok(mine, 'the new client is listed');
    assert.equal(mine['name'], 'Ice Cream');
    for (const k of ['secret', 'secretHash', 'privateKey']) assert.equal(k in mine, false, `list shows ${k}`);
    assert.ok(!list.stdout.includes(creds.secret));
    assert.equal(table.code, 0);
    assert.ok(table.stdout.includes(creds.id));
    assert.ok(!table.stdout.includes(creds.secret));

    const del = await cli('clients', 'delete', creds.id);
    assert.equal(del.code, 0, del.stderr);
    const remaining = JSON.parse((await cli('clients', 'list', '--json')).stdout) as { id: string }[];
    assert.equal(remaining.some((c) => c.id === creds.id), false);
  });

  test('clients create --public-key FILE: no private key is generated or printed', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pubFile = join(dir, 'client.pub.pem');
    writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const r = await cli('clients', 'create', '--name', 'Own Key', '--redirect-uri', REDIRECT, '--public-key', pubFile, '--json');
    assert.equal(r.code, 0, r.stderr);
    const creds = JSON.parse(r.stdout) as ClientCredentials;
    assert.equal(creds.privateKey, undefined);
    assert.equal('privateKey' in creds, false);
    assert.equal(createPublicKey(creds.publicKey).export({ type: 'spki', format: 'der' }).toString('base64'), publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
    // The stored client is exactly the given public key and what describes the client: no key
    // pair was made for it (the provider never saw the private key, so scanning for it would
    // prove nothing).
    void privateKey;
    const db = new Database(data, { readonly: true });
    const row = db.prepare('SELECT json FROM clients WHERE id = ?').get(creds.id) as { json: string } | undefined;
    db.close();
    assert.ok(row, 'the client is stored');
    const stored = JSON.parse(row.json) as Record<string, unknown>;
    assert.deepEqual(Object.keys(stored).sort(), ['createdAt', 'description', 'id', 'name', 'publicKey', 'redirectUris', 'scopes', 'secretHash', 'updatedAt']);
    assert.equal(stored['publicKey'], publicKey.export({ type: 'spki', format: 'pem' }));
    assert.doesNotMatch(row.json, /PRIVATE KEY/);

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecFile = join(dir, 'ec.pub.pem');
    writeFileSync(ecFile, ec.publicKey.export({ type: 'spki', format: 'pem' }));
    const bad = await cli('clients', 'create', '--name', 'EC', '--redirect-uri', REDIRECT, '--public-key', ecFile);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--public-key/);
    assert.match(bad.stderr, /RSA/);
  });

  test('usage errors exit with code 2 and name the field or flag', async () => {
    const cases: [string[], RegExp][] = [
      [['clients', 'create', '--name', 'N', '--redirect-uri', 'not a url'], /--redirect-uri/],
      [['clients', 'create', '--name', 'N', '--redirect-uri', REDIRECT, '--scope', 'openid myinfo.bogus'], /--scope.*myinfo\.bogus/],
      [['clients', 'create', '--redirect-uri', REDIRECT], /--name/],
      [['clients', 'create', '--name', 'N', '--redirect-uri', REDIRECT, '--bogus-flag'], /--bogus-flag/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(...args)));
    results.forEach((r, i) => {
      const [args, re] = cases[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.ok(!/\n\s+at /.test(r.stderr), `a stack trace was printed for ${args.join(' ')}`);
    });
  });

  test('personas list --json prints every persona with its id; --personas adds to it', async () => {
    const custom = { id: makeNric('S', '7654321'), label: 'From a file', values: { 'myinfo.name': 'File Persona' } };
    const file = join(dir, 'personas.json');
    writeFileSync(file, JSON.stringify([custom]));
    const dayBefore = singaporeDay(new Date());
    const [plain, withFile] = await Promise.all([runCli(['personas', 'list', '--json', '--data', ':memory:']), runCli(['personas', 'list', '--json', '--data', ':memory:', '--personas', file])]);
    const dayAfter = singaporeDay(new Date());
    assert.equal(plain.code, 0, plain.stderr);
    // The README's built-in people, by id and name; the two birthday personas by the date
    // they must carry today (Singapore), worked out here.
    const listed = (JSON.parse(plain.stdout) as { id: string; label: string; values: Record<string, string> }[]).map((x) => [x.id, x.values['myinfo.name']]);
    // (The CLI ran between dayBefore and dayAfter: one of them is its Singapore date.)
    const birthday = (years: number) => (JSON.parse(plain.stdout) as { id: string; label: string }[]).find((x) => x.label.includes(`turns ${years} `));
    for (const years of [18, 21]) {
      const p = birthday(years);
      assert.ok(p, `no "turns ${years}" persona`);
      const fits = [dayBefore, dayAfter].some((today) => {
        const year = Number(today.slice(0, 4)) - years;
        // On 29 February in a common birth year the persona was born on the 28th (see builtin.ts).
        const born = today.endsWith('-02-29') ? `${year}-02-28` : `${year}${today.slice(4)}`;
        return p.label.endsWith(`born ${born}`) && new RegExp(`^${year >= 2000 ? 'T' : 'S'}${String(year).slice(2)}\\d{5}[A-Z]$`).test(p.id);
      });
      assert.ok(fits, `${p.id} ${p.label}: not born ${years} years before ${dayBefore}`);
    }
    const birthdayIds = new Set([birthday(18)!.id, birthday(21)!.id]);
    assert.deepEqual(
      listed.filter(([id]) => !birthdayIds.has(id!)),
      [
        ['S8534127H', 'Lim Jun Hao'],
        ['S7612846D', 'Arjun Krishnan'],
        ['M4217365N', 'Jonas Becker'],
        ['G6138204L', 'Nguyễn Thị Hương'],
        ['S1493572Z', 'Abdul Rahman bin Ismail'],
        ['S0386241J', 'Wong Ah Lian 黄亚莲'],
        ['S8812905I', 'Rachel Goh Li Ting'],
        ['S7921634H', 'Farah binte Abdullah'],
        ['S9203318Z', 'Chua Boon Keng'],
      ],
    );
    const ids2 = (JSON.parse(withFile.stdout) as { id: string }[]).map((x) => x.id);
    assert.deepEqual(ids2, [...listed.map(([id]) => id), custom.id], 'the file adds its persona after the built-in ones');
  });

  test('--personas with an invalid persona: exit 2, the message names the field path', async () => {
    const file = join(dir, 'bad-personas.json');
    writeFileSync(file, JSON.stringify({ personas: [{ id: makeNric('S', '1111111'), label: 'ok', values: { 'myinfo.name': 'Fine' } }, { id: makeNric('S', '2222222'), label: 'bad', values: { 'myinfo.date_of_birth': '1990-13-45' } }] }));
    const badId = join(dir, 'bad-id.json');
    writeFileSync(badId, JSON.stringify([{ id: 'S1234567A', label: 'bad checksum', values: {} }]));
    const [r, r2] = await Promise.all([
      runCli(['personas', 'list', '--data', ':memory:', '--personas', file]),
      runCli(['personas', 'list', '--data', ':memory:', '--personas', badId]),
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes('personas[1].values["myinfo.date_of_birth"]'), r.stderr);
    assert.ok(r.stderr.includes(file), 'names the file');
    assert.equal(r2.code, 2, r2.stderr);
    assert.match(r2.stderr, /\[0\]\.id/);
  });

  test('the CLI works on the data file of a running server: a client created by the CLI logs in at once', async () => {
    const shared = join(dir, 'shared.db');
    const p = await startProvider({ data: shared });
    try {
      const r = await runCli(['clients', 'create', '--name', 'Live', '--redirect-uri', REDIRECT, '--scope', 'openid myinfo.name', '--json', '--data', shared]);
      assert.equal(r.code, 0, r.stderr);
      const creds = JSON.parse(r.stdout) as ClientCredentials;
      const { access_token } = await loginForTokens(p, creds, { scope: 'openid myinfo.name' });
      assert.equal((await getUserinfo(p, access_token)).status, 200);
      const del = await runCli(['clients', 'delete', creds.id, '--data', shared]);
      assert.equal(del.code, 0, del.stderr);
      const gone = await fetch(`${p.url}/v2/oauth/authorize?client_id=${creds.id}&redirect_uri=${encodeURIComponent(REDIRECT)}`, { redirect: 'manual' });
      assert.equal(gone.status, 400, 'a client deleted by the CLI is gone for the running server');
      await gone.text();
    } finally {
      await p.close();
    }
  });
});
