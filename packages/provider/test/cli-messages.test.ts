/**
 * What the CLI says when it is used wrongly, and how its tables look, as a person sees it in a
 * terminal: every mistake of a command at once (each naming its flag or field, with the fix),
 * a suggestion for a mistyped option or command, columns aligned by display width (CJK names),
 * and real dates for keys.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeNric } from '../src/wallet/personas/index.js';
import { runCli } from './helpers/cli.js';

const REDIRECT = 'http://localhost:5001/api/redirect';

/** Lines of stderr that report an error. */
const errors = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error: '));

function assertUsageFailure(r: { code: number | null; stderr: string; stdout: string }, what: string) {
  assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.stderr}`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: a stack trace`);
  assert.doesNotMatch(r.stderr, /ERR_PARSE_ARGS|To specify a positional argument/, `${what}: Node's raw parseArgs message`);
}

describe('CLI messages', () => {
  let dir: string;
  let data: string;
  const cli = (...args: string[]) => runCli([...args, '--data', data]);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sgid-cli-messages-'));
    data = join(dir, 'sgid.db');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a command without its subcommand lists the subcommands', async () => {
    for (const [command, subs] of [['clients', ['create', 'list', 'delete']], ['keys', ['list', 'rotate']], ['personas', ['list']]] as const) {
      const r = await cli(command);
      assertUsageFailure(r, command);
      assert.doesNotMatch(r.stderr, /unknown command/, command);
      assert.match(r.stderr, new RegExp(`"${command}" needs a subcommand`), command);
      for (const sub of subs) assert.match(r.stderr, new RegExp(`${command} ${sub}`), `${command}: names ${sub}`);
    }
  });

  test('a mistyped option, command or subcommand names it and suggests the right one', async () => {
    const cases: [string[], RegExp][] = [
      [['--prot', '5000'], /^error: --prot: unknown option; did you mean --port\?$/m],
      [['clients', 'create', '--name', 'N', '--redirect-url', REDIRECT], /^error: --redirect-url: unknown option; did you mean --redirect-uri\?$/m],
      [['--log-levl', 'debug'], /did you mean --log-level\?/],
      [['clietns', 'list'], /^error: unknown command "clietns"; did you mean "clients"\?/m],
      [['clients', 'lsit'], /^error: unknown command "clients lsit"; did you mean "clients list"\?/m],
      [['clients', 'create', '--name'], /^error: --name needs a value/m],
      [['clients', 'list', '--json=yes'], /^error: --json takes no value/m],
      [['clients', 'create', '--name', '--json', '--redirect-uri', REDIRECT], /--name needs a value, but "--json" looks like an option/],
      [['clients', 'create', '--name', 'A', '--name', 'B', '--redirect-uri', REDIRECT], /--name is given 2 times \("A", "B"\): give it once/],
      [['keys', 'list', 'extra'], /unexpected argument "extra" after "keys list"/],
    ];
    // One at a time: each is a Node process, and the machine may be busy.
    for (const [args, re] of cases) {
      const r = await cli(...args);
      assertUsageFailure(r, args.join(' '));
      assert.match(r.stderr, re, `${args.join(' ')}:\n${r.stderr}`);
    }
    const none = await cli('clients', 'list', '--json');
    assert.deepEqual(JSON.parse(none.stdout), [], 'none of them registered a client');
  });

  test('clients create reports every mistake at once, every bad redirect URL among them, and creates nothing', async () => {
    const r = await cli(
      'clients', 'create',
      '--redirect-uri', 'not a url',
      '--redirect-uri', 'https://good.example/cb',
      '--redirect-uri', 'ftp://files.example/cb',
      '--redirect-uri', 'http://localhost/cb#frag',
      '--scope', 'openid myinfo.name myinfo.bogus',
      '--id', 'x',
      '--public-key', join(dir, 'missing.pem'),
    );
    assertUsageFailure(r, 'clients create');
    const lines = errors(r.stderr);
    const expected = [
      /^error: --name is required/,
      /^error: --redirect-uri: redirect URL "not a url" is not an absolute URL/,
      /^error: --redirect-uri: redirect URL "ftp:\/\/files\.example\/cb" must use http or https/,
      /^error: --redirect-uri: redirect URL "http:\/\/localhost\/cb#frag" must not contain a fragment/,
      /^error: --scope: unknown scope: myinfo\.bogus/,
      /^error: --id: client id "x" must be 3–64 characters/,
      /^error: --public-key .*missing\.pem: cannot read the file \(ENOENT\)/,
    ];
    for (const re of expected) assert.equal(lines.filter((l) => re.test(l)).length, 1, `${re} once in:\n${r.stderr}`);
    assert.equal(lines.length, expected.length, r.stderr);
    assert.ok(!lines.some((l) => l.includes('good.example')), 'the good URL is not reported');
    assert.deepEqual(JSON.parse((await cli('clients', 'list', '--json')).stdout), []);
  });

  test('option values and the command are checked together: every problem in one run', async () => {
    const r = await runCli(['clients', 'create', '--redirect-uri', 'nope', '--port', 'abc', '--login-ttl', '0', '--log-level', 'loud', '--data', data]);
    assertUsageFailure(r, 'config');
    const lines = errors(r.stderr);
    for (const re of [/--port: "abc" is not a whole number/, /--login-ttl \/ SGID_LOGIN_TTL: must be greater than 0/, /--log-level \/ SGID_LOG_LEVEL: "loud" is not one of/, /--name is required/, /redirect URL "nope"/]) {
      assert.ok(lines.some((l) => re.test(l)), `${re} missing from:\n${r.stderr}`);
    }
  });

  test('a personas file with several mistakes: each wrong persona and value is reported', async () => {
    const file = join(dir, 'bad-personas.json');
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'S1234567A', label: 'wrong check letter', values: { 'myinfo.date_of_birth': '1990-13-45' } },
        { id: makeNric('S', '7654321'), label: 'fine', values: { 'myinfo.name': 'Fine' } },
        { id: 'S2222222', label: 'too short', values: { 'myinfo.sex': 5 } },
      ]),
    );
    const r = await runCli(['personas', 'list', '--data', ':memory:', '--personas', file]);
    assertUsageFailure(r, 'personas');
    const lines = errors(r.stderr);
    for (const path of ['personas[0].id', 'personas[0].values["myinfo.date_of_birth"]', 'personas[2].id', 'personas[2].values["myinfo.sex"]']) {
      assert.equal(lines.filter((l) => l.includes(`${file}: ${path}:`)).length, 1, `${path} once in:\n${r.stderr}`);
    }
    assert.equal(lines.length, 4, r.stderr);
    assert.ok(!r.stderr.includes('personas[1]'), 'the good persona is not reported');
  });
});

describe('CLI tables', () => {
  /**
   * Terminal columns of a string, for the names the built-in personas use: one per character
   * after NFC, two for a Han ideograph. (Written apart from the CLI's own width table.)
   */
  const columns = (s: string) => [...s.normalize('NFC')].reduce((n, ch) => n + (/\p{Script=Han}/u.test(ch) ? 2 : 1), 0);

  test('personas list lines up every column, also after a Chinese or Vietnamese name', async () => {
    const table = await runCli(['personas', 'list', '--data', ':memory:']);
    const json = await runCli(['personas', 'list', '--json', '--data', ':memory:']);
    assert.equal(table.code, 0, table.stderr);
    const personas = JSON.parse(json.stdout) as { id: string; label: string; values: Record<string, string> }[];
    const lines = table.stdout.trimEnd().split('\n');
    assert.equal(lines.length, personas.length + 1);
    const header = lines[0]!;
    const aboutAt = header.indexOf('ABOUT');
    assert.ok(aboutAt > 0);
    const names = personas.map((p) => p.values['myinfo.name'] ?? '');
    assert.ok(names.some((n) => /\p{Script=Han}/u.test(n)), 'control: a persona has a Chinese name');
    assert.ok(names.some((n) => n !== n.normalize('NFD')), 'control: a persona has accented letters');
    personas.forEach((p, i) => {
      const line = lines[i + 1]!;
      assert.ok(line.startsWith(p.id), line);
      const labelAt = line.lastIndexOf(p.label);
      assert.ok(labelAt > 0, `label of ${p.id} not found in: ${line}`);
      assert.equal(columns(line.slice(0, labelAt)), aboutAt, `the ABOUT column of ${p.id} starts at column ${columns(line.slice(0, labelAt))}, not ${aboutAt}:\n${header}\n${line}`);
    });
  });

  test('keys list: the first key signs from its creation, not from 1970', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-cli-keys-'));
    try {
      const data = join(dir, 'sgid.db');
      const before = Date.now();
      const table = await runCli(['keys', 'list', '--data', data]);
      const json = await runCli(['keys', 'list', '--json', '--data', data]);
      const afterwards = Date.now();
      assert.equal(table.code, 0, table.stderr);
      assert.doesNotMatch(table.stdout, /1970-/);
      const [row, ...others] = JSON.parse(json.stdout) as { kid: string; role: string; activateAt: string }[];
      assert.equal(others.length, 0);
      assert.equal(row!.role, 'active');
      const at = Date.parse(row!.activateAt);
      assert.ok(at >= before - 1000 && at <= afterwards, `signs from ${row!.activateAt}, created between ${new Date(before).toISOString()} and ${new Date(afterwards).toISOString()}`);
      assert.ok(table.stdout.includes(row!.activateAt), table.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
