/**
 * sgID's privacy rules, checked from the outside: the pairwise `sub` (stable per client,
 * different across clients, not derived from the NRIC in a guessable way), and end-to-end
 * encryption — the relay's storage holds no persona value, only ciphertext: the SQLite files,
 * and every PostgreSQL row and Redis value of the scaled store, are searched for every value
 * a client received.
 */
import assert from 'node:assert/strict';
import { createHash, createPrivateKey } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SCOPES, decryptUserinfo } from 'sgid-protocol';
import type { ClientCredentials, EncryptedUserinfo } from 'sgid-protocol';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { authorizeUrl, getUserinfo, loginForCode, loginForTokens, pkcePair } from './helpers/oauth.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { STORE_PLACES, cleanupStorePlaces } from './helpers/store-places.js';
import type { OpenedPlace } from './helpers/store-places.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/store-services.js';
import { answerInWallet, openQrPage } from './helpers/wallet-flow.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const ALL_SCOPES = SCOPES.map((s) => s.scope);
const subOf = (idToken: string) => (JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

describe('pairwise sub', () => {
  let p: TestProvider;
  let one: ClientCredentials;
  let two: ClientCredentials;
  const personas = builtInPersonas(new Date()).slice(0, 3);

  before(async () => {
    p = await startProvider();
    [one, two] = await Promise.all([
      p.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] }),
      p.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] }),
    ]);
  });
  after(() => p.close());

  test('same person, same client → same sub; other client or other person → different sub', async () => {
    const subs = new Map<string, string>();
    for (const persona of personas) {
      const first = subOf((await loginForTokens(p, one, { personaId: persona.id })).id_token);
      const again = await loginForTokens(p, one, { personaId: persona.id });
      assert.equal(subOf(again.id_token), first, `${persona.id}: sub changed between logins at one client`);
      const info = await getUserinfo(p, again.access_token);
      assert.equal(info.body['sub'], first);
      const atTwo = subOf((await loginForTokens(p, two, { personaId: persona.id })).id_token);
      assert.notEqual(atTwo, first, `${persona.id}: same sub at two clients (linkable)`);
      subs.set(`${persona.id}@one`, first);
      subs.set(`${persona.id}@two`, atTwo);
    }
    assert.equal(new Set(subs.values()).size, subs.size, 'every (person, client) pair has its own sub');
  });

  test('the sub does not contain the NRIC and is not a plain hash of it', async () => {
    for (const persona of personas) {
      const sub = subOf((await loginForTokens(p, one, { personaId: persona.id })).id_token);
      const id = persona.id;
      assert.ok(!sub.toUpperCase().includes(id.toUpperCase()), `sub ${sub} contains ${id}`);
      assert.ok(!sub.toUpperCase().includes(id.slice(1, 8)), `sub ${sub} contains the digits of ${id}`);
      for (const input of [id, id.toLowerCase(), `${one.id}${id}`, `${id}${one.id}`, `${one.id}\u0000${id}`, `${one.id}:${id}`]) {
        const digest = createHash('sha256').update(input).digest();
        for (const encoded of [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')]) {
          assert.ok(!encoded.includes(sub) && !sub.includes(encoded.slice(0, 16)), `sub is sha256(${JSON.stringify(input)})`);
        }
      }
      assert.ok(sub.length >= 22, 'enough entropy not to be enumerable');
    }
  });
});

/** Every string in a value: the value itself and, for stringified JSON, each string leaf in it. */
function stringsIn(value: string): string[] {
  const out = [value];
  if (/^[[{]/.test(value)) {
    const walk = (v: unknown): void => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    try {
      walk(JSON.parse(value));
    } catch {
      // not JSON: the value alone
    }
  }
  return out;
}

const TRIVIAL = new Set(['true', 'false', 'NA', '[]', '{}', 'null']);

/**
 * A value is searched for if it is long enough that finding it is meaningful: values made only
 * of base64url characters must be 8+ long (a 4-letter word occurs by chance in a megabyte of
 * ciphertext; an 8-letter one does not).
 */
function searchable(v: string): boolean {
  if (TRIVIAL.has(v)) return false;
  return /^[A-Za-z0-9_-]+$/.test(v) ? v.length >= 8 : v.length >= 4;
}

/** The forms in which a value could sit in storage: raw, JSON-escaped, \u-escaped. */
function encodings(v: string): string[] {
  const json = JSON.stringify(v).slice(1, -1);
  const ascii = json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [...new Set([v, json, ascii, JSON.stringify(json).slice(1, -1)])];
}

/** Everything the store holds at rest, as named byte strings: the SQLite files, or every PostgreSQL row and every Redis value. */
async function contentsAtRest(at: OpenedPlace['at']): Promise<[string, Buffer][]> {
  if ('dir' in at) return readdirSync(at.dir).map((f) => [f, readFileSync(join(at.dir, f))]);
  const out: [string, Buffer][] = [];
  const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  try {
    const tables = await db.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [at.schema]);
    assert.ok(tables.rows.length >= 4, `tables of ${at.schema}: ${tables.rows.map((r) => r.table_name).join(', ')}`);
    for (const { table_name } of tables.rows) {
      const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${at.schema}"."${table_name}" t`);
      out.push([`postgres ${table_name}`, Buffer.from(rows.rows.map((r) => r.row).join('\n'), 'utf8')]);
    }
  } finally {
    await db.end();
  }
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${at.prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        // Strings are read as they are; anything else as Redis serialises it (small values stay readable).
        const value = type === 'string' ? await redis.getBuffer(key) : await redis.dumpBuffer(key);
        if (value) out.push([`redis ${key}`, Buffer.concat([Buffer.from(`${key}\n`), value])]);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return out;
}

function scan(contents: [string, Buffer][], needles: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [where, bytes] of contents) {
    for (const [needle, what] of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) found.push(`${what} in ${where}`);
  }
  return found;
}

after(cleanupStorePlaces);

for (const place of STORE_PLACES) {
  describe(`end-to-end encryption: the relay stores only ciphertext (${place.name})`, () => {
    const personas = builtInPersonas(new Date());
    const probe = 'Privacy Probe Client Name 7f3a';

    test('after logins with every scope for every persona, no value a client received is in the store', async (t) => {
      const opened = await place.open(t);
      if (!opened) return;
      const p = await startProvider({ store: opened.store });
      t.after(async () => {
        await p.close();
        await opened.store.close();
      });
      const creds = await p.createClient({ name: probe, scopes: ALL_SCOPES, redirectUris: [REDIRECT] });
      const key = createPrivateKey(creds.privateKey!);
      const scope = ALL_SCOPES.join(' ');
      const needles = new Map<string, string>();
      let searched = 0;
      for (const persona of personas) {
        // Each persona leaves every kind of record: a redeemed token, an unredeemed code, and a
        // login approved in the wallet but not yet collected by the browser.
        const { access_token } = await loginForTokens(p, creds, { scope, personaId: persona.id });
        const info = await getUserinfo(p, access_token);
        assert.equal(info.status, 200);
        await loginForCode(p, creds, { scope, personaId: persona.id });
        const qr = await openQrPage(authorizeUrl(p, creds, { scope, code_challenge: (await pkcePair()).challenge }));
        await answerInWallet(qr.walletUrl, persona.id, 'approve');

        // The needles: what the client actually received and decrypted.
        const values = await decryptUserinfo(info.body as unknown as EncryptedUserinfo, () => key);
        assert.equal(Object.keys(values).length, ALL_SCOPES.length - 1);
        for (const [s, value] of Object.entries(values)) {
          for (const str of stringsIn(value)) {
            if (!searchable(str)) continue;
            searched++;
            for (const form of encodings(str)) needles.set(form, `${persona.id} ${s} ${JSON.stringify(str).slice(0, 60)}`);
          }
        }
        needles.set(persona.id, `${persona.id}: the NRIC/FIN (persona id)`);
      }
      assert.ok(searched > personas.length * 10, `only ${searched} values searched`);
      // the client's private key and secret are not there either
      const pemBody = creds.privateKey!.split('\n').slice(1, 3).join('');
      needles.set(pemBody.slice(0, 48), 'the client private key');
      needles.set(creds.secret, 'the client secret');

      const contents = await contentsAtRest(opened.at);
      // positive controls: the scan reads the store (the client's name is stored in clear, and
      // logins in flight are there)
      assert.ok(scan(contents, new Map([[probe, 'probe']])).length > 0, 'the scan finds nothing at all: wrong place?');
      assert.deepEqual(scan(contents, needles), [], 'plaintext found at rest');

      if ('dir' in opened.at) {
        // the same after the WAL is checkpointed into the main file at close
        await p.close();
        await opened.store.close();
        assert.deepEqual(scan(await contentsAtRest(opened.at), needles), [], 'plaintext found after close');
      }
    });
  });
}

describe('what the relay serves', () => {
  let p: TestProvider;
  let creds: ClientCredentials;
  before(async () => {
    p = await startProvider();
    creds = await p.createClient({ scopes: ALL_SCOPES, redirectUris: [REDIRECT] });
  });
  after(() => p.close());

  test('at userinfo: compact JWEs, no value in clear', async () => {
    const persona = builtInPersonas(new Date())[0]!;
    const { access_token } = await loginForTokens(p, creds, { scope: ALL_SCOPES.join(' '), personaId: persona.id });
    const r = await getUserinfo(p, access_token);
    assert.equal(r.status, 200);
    const body = r.body as { key: string; data: Record<string, string> };
    assert.equal(body.key.split('.').length, 5);
    for (const jwe of Object.values(body.data)) assert.equal(jwe.split('.').length, 5);
    const key = createPrivateKey(creds.privateKey!);
    const values = await decryptUserinfo(body as unknown as EncryptedUserinfo, () => key);
    assert.equal(values['myinfo.name'], 'Lim Jun Hao', 'positive control: the values are there, encrypted');
    for (const value of Object.values(values)) {
      if (searchable(value)) assert.ok(!r.text.includes(value), `${value} in clear in userinfo`);
    }
    assert.ok(!r.text.includes(persona.id));
  });

  test('the ID token carries no personal data, only sub', async () => {
    const persona = builtInPersonas(new Date())[0]!;
    const { id_token } = await loginForTokens(p, creds, { scope: ALL_SCOPES.join(' '), personaId: persona.id });
    const payload = JSON.parse(Buffer.from(id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(payload).sort(), ['aud', 'exp', 'iat', 'iss', 'nonce', 'sub']);
    assert.ok(!JSON.stringify(payload).includes(persona.id));
  });
});
