/**
 * sgid-provider: `start` (default) runs the server; `clients`, `personas`, `keys` and `scopes`
 * manage the same store, whether or not a server is running on it.
 */
import { readFileSync } from 'node:fs';
import { SCOPES } from 'sgid-protocol';
import { closest, readCommandLine } from './cli/arguments.js';
import type { CommandLine, OptionDefinition } from './cli/arguments.js';
import { ConfigError, OPTIONS, loadConfig, parseArgsOptions } from './config.js';
import type { Config } from './config.js';
import { JWKS_MAX_AGE, describeKey, keysOf, rotateKeys, signingKeyAt } from './keys/key-ring.js';
import { ClientInputError, createClient, publicView, validateClientInput } from './portal/clients.js';
import type { ClientInput, ClientInputField } from './portal/clients.js';
import { createProvider, openContext } from './provider.js';
import { openStore } from './store/index.js';
import { StoreUnavailableError } from './store/types.js';
import { formatTable } from './util/text-width.js';
import { tailLogins } from './cli/logins.js';
import { PersonaValidationError } from './wallet/personas/index.js';
import {
  SINGPASS_OPTIONS,
  SINGPASS_SUBCOMMANDS,
  SINGPASS_USAGE,
  checkSingpassCommand,
  checkSingpassInput,
  singpassCommand,
  singpassProblems,
} from './cli/singpass.js';

/** Mistakes in how the command was called: printed without a stack, one line each, exit code 2. */
class UsageError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    super(list.join('\n'));
    this.problems = list;
  }
}

const HELP = `sgid-provider — a faithful, strict sgID v2 provider for development and tests

Usage:
  sgid-provider [start] [options]             run the provider (default command)
  sgid-provider clients create --name NAME --redirect-uri URL [--redirect-uri URL2 …]
                [--scope "openid myinfo.name …"] [--description TEXT] [--public-key FILE]
                [--id ID] [--json]            register a client; prints its credentials once
  sgid-provider clients list [--json]         registered clients (never secrets)
  sgid-provider clients delete ID             remove a client
  sgid-provider personas list [--json]        test personas, their ids (NRIC/FIN) and Singpass UUIDs
  sgid-provider keys list                     the provider's signing keys
  sgid-provider keys rotate                   publish a new signing key; it signs after --key-rotation-delay
  sgid-provider scopes [--json]               the data catalog
${SINGPASS_USAGE}
  sgid-provider logins tail [--client ID] [--lines N] [--json]
                                              the login inspector: recent login steps, then each new one

Options (every option also reads its environment variable):
${Object.values(OPTIONS)
  .map((o) => {
    const def = 'default' in o ? ` [default: ${String(o.default)}]` : '';
    return `  --${o.flag.padEnd(20)} ${o.env.padEnd(24)} ${o.description}${def}`;
  })
  .join('\n')}
`;

const COMMAND_OPTIONS: Record<string, OptionDefinition> = {
  ...parseArgsOptions(),
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  json: { type: 'boolean' },
  name: { type: 'string' },
  description: { type: 'string' },
  scope: { type: 'string', multiple: true },
  'redirect-uri': { type: 'string', multiple: true },
  'public-key': { type: 'string' },
  id: { type: 'string' },
  ...SINGPASS_OPTIONS,
  client: { type: 'string' },
  lines: { type: 'string' },
};

/** Each command with its subcommands, so that a missing or mistyped one gets a useful answer. */
const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  start: [],
  clients: ['create', 'list', 'delete'],
  personas: ['list'],
  keys: ['list', 'rotate'],
  scopes: [],
  singpass: SINGPASS_SUBCOMMANDS,
  logins: ['tail'],
};

const FIELD_FLAGS: Record<ClientInputField, string> = {
  name: '--name',
  description: '--description',
  scopes: '--scope',
  redirectUris: '--redirect-uri',
  publicKey: '--public-key',
  id: '--id',
};

type Values = CommandLine['values'];

function print(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

/** The usage lines of one command (from the help text), for its own errors. */
function usageOf(command: string): string {
  const lines = HELP.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(`  sgid-provider ${command}`)) continue;
    out.push(lines[i]!);
    while (lines[i + 1]?.startsWith('                ')) out.push(lines[++i]!);
  }
  return out.join('\n');
}

/** The command and subcommand, checked: every problem with them, with a suggestion where one fits. */
function checkCommand(positionals: readonly string[]): string[] {
  const [command = 'start', sub, ...extra] = positionals;
  const subs = COMMANDS[command];
  if (subs === undefined) {
    const guess = closest(command, Object.keys(COMMANDS));
    return [`unknown command "${command}"${guess ? `; did you mean "${guess}"?` : ''} (commands: ${Object.keys(COMMANDS).join(', ')})`];
  }
  const problems: string[] = [];
  let expected = 0;
  if (subs.length > 0) {
    if (sub === undefined) {
      return [`"${command}" needs a subcommand: ${subs.map((x) => `${command} ${x}`).join(', ')}\n${usageOf(command)}`];
    }
    if (!subs.includes(sub)) {
      const guess = closest(sub, subs);
      return [`unknown command "${command} ${sub}"${guess ? `; did you mean "${command} ${guess}"?` : ''} (use ${subs.map((x) => `${command} ${x}`).join(', ')})`];
    }
    if (command === 'clients' && sub === 'delete') expected = 1;
    if (command === 'singpass') return checkSingpassCommand(positionals);
  }
  const args = subs.length > 0 ? extra : positionals.slice(1);
  if (command === 'clients' && sub === 'delete' && args.length === 0) {
    problems.push('clients delete needs the client id: sgid-provider clients delete ID (see sgid-provider clients list)');
  }
  for (const a of args.slice(expected)) problems.push(`unexpected argument "${a}" after "${positionals.slice(0, subs.length > 0 ? 2 : 1).join(' ')}"`);
  return problems;
}

/** What `clients create` would register, or every problem with it (nothing touches the store). */
function clientInputFromFlags(values: Values): { input?: ClientInput; id?: string; problems: string[] } {
  const problems: string[] = [];
  let publicKey: string | undefined;
  const keyFile = values['public-key'] as string | undefined;
  if (keyFile !== undefined) {
    try {
      publicKey = readFileSync(keyFile, 'utf8');
    } catch (err) {
      problems.push(`--public-key ${keyFile}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  const redirectUris = (values['redirect-uri'] as string[] | undefined) ?? [];
  const input: ClientInput = {
    name: (values['name'] as string | undefined) ?? '',
    description: values['description'] as string | undefined,
    scopes: ((values['scope'] as string[] | undefined) ?? ['openid myinfo.name']).join(' '),
    redirectUris,
    ...(publicKey !== undefined ? { publicKey } : {}),
  };
  const id = values['id'] as string | undefined;
  try {
    validateClientInput(input, id);
  } catch (err) {
    if (!(err instanceof ClientInputError)) throw err;
    for (const p of err.problems) {
      if (p.field === 'name' && values['name'] === undefined) problems.push('--name is required: the name users see on the consent screen');
      else if (p.field === 'redirectUris' && redirectUris.length === 0) problems.push('--redirect-uri is required (repeat it for several URLs)');
      else problems.push(`${FIELD_FLAGS[p.field]}: ${p.message}`);
    }
  }
  return problems.length > 0 ? { problems } : { input, ...(id !== undefined ? { id } : {}), problems };
}

/** Problems that can be found before anything runs: a command reports all of them at once. */
function checkCommandInput(positionals: readonly string[], values: Values): string[] {
  const [command, sub] = positionals;
  if (command === 'clients' && sub === 'create') return clientInputFromFlags(values).problems;
  if (command === 'singpass') return checkSingpassInput(positionals, values);
  if (command === 'logins') {
    const lines = values['lines'];
    if (lines !== undefined && !/^\d{1,6}$/.test(String(lines))) {
      return [`--lines: "${String(lines)}" is not a whole number (how many recent steps to print before following)`];
    }
  }
  return [];
}

async function start(config: Config): Promise<void> {
  const provider = await createProvider(config);
  const { port } = await provider.listen();
  const clients = await provider.ctx.store.listClients();
  const singpassClients = await provider.ctx.store.listSingpassClients();
  print(
    [
      `sgID provider listening on ${config.host}:${port} — ${config.publicUrl}`,
      `  issuer      ${config.issuer}`,
      `  singpass    FAPI 2.0 ${config.publicUrl}/fapi · legacy ${config.publicUrl} · MockPass paths /singpass/v3/fapi, /singpass/v2`,
      `  store       ${provider.ctx.store.description.replace(/\/\/[^@/]*@/, '//')}`,
      `  portal      ${config.publicUrl}/portal`,
      `  clients     ${clients.length} registered${clients.length === 0 ? ' (sgid-provider clients create --help)' : ''}`,
      `  singpass    ${singpassClients.length} Singpass client${singpassClients.length === 1 ? '' : 's'} registered${singpassClients.length === 0 ? ' (sgid-provider singpass clients create --help)' : ''}`,
      config.autoApprove ? `  automation  every valid authorize request is approved as persona ${config.autoApprove}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    provider.app.log.info({ signal }, 'shutting down: finishing requests in flight');
    provider.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function clientsCommand(sub: string | undefined, rest: string[], values: Values, config: Config) {
  const store = await openStore(config);
  try {
    if (sub === 'create') {
      const { input, id } = clientInputFromFlags(values);
      if (!input) throw new Error('clients create: the input was not checked first');
      const creds = await createClient(store, input, id);
      print(JSON.stringify(creds, null, 2));
      if (!values['json']) {
        process.stderr.write('Save these credentials now: the secret and private key are not shown again.\n');
      }
      return;
    }
    if (sub === 'list') {
      const clients = (await store.listClients()).map(publicView);
      if (values['json']) return print(JSON.stringify(clients, null, 2));
      if (clients.length === 0) return print('No clients. Register one with: sgid-provider clients create --help');
      return print(
        formatTable([['ID', 'NAME', 'SCOPES', 'REDIRECT URLS'], ...clients.map((c) => [c.id, c.name, c.scopes.join(' '), c.redirectUris.join(' ')])]),
      );
    }
    // delete (checkCommand made sure of the subcommand and its argument)
    const id = rest[0]!;
    if (!(await store.deleteClient(id))) throw new UsageError(`no client with id "${id}" (see sgid-provider clients list)`);
    return print(`Deleted client ${id}`);
  } finally {
    await store.close();
  }
}

async function personasCommand(values: Values, config: Config) {
  const ctx = await openContext({ ...config, autoApprove: undefined });
  try {
    const personas = await ctx.personas.list();
    if (values['json']) return print(JSON.stringify(personas, null, 2));
    return print(formatTable([['ID', 'SINGPASS UUID', 'NAME', 'ABOUT'], ...personas.map((p) => [p.id, p.uuid, p.values['myinfo.name'] ?? '', p.label])]));
  } finally {
    await ctx.store.close();
  }
}

async function keysCommand(sub: string | undefined, values: Values, config: Config) {
  const ctx = await openContext({ ...config, autoApprove: undefined, personas: undefined });
  try {
    if (sub === 'rotate') {
      const next = await rotateKeys(ctx.store, config.keyRotationDelay, config.tokenTtl);
      print(`Published key ${next.kid}; it signs from ${new Date(next.activateAt!).toISOString()}.`);
      print(`The current key stays published until every ID token it signed has expired (--token-ttl ${config.tokenTtl} s: use the servers' value).`);
      if (config.keyRotationDelay < JWKS_MAX_AGE) {
        process.stderr.write(
          `warning: --key-rotation-delay ${config.keyRotationDelay} s is shorter than the JWKS cache lifetime (${JWKS_MAX_AGE} s): ` +
            'a relying party that caches the JWKS may meet the new key before it has fetched it.\n',
        );
      }
      return;
    }
    const now = Date.now();
    const keys = keysOf(await ctx.store.listKeys(), 'sgid');
    const signing = signingKeyAt(keys, now);
    const rows = keys.map((k) => ({
      kid: k.kid,
      role: describeKey(k, signing, now),
      // The first key may sign from the beginning of time (activateAt 0, so that processes with
      // skewed clocks all use it at once); in fact it signs from its creation.
      activateAt: new Date(Math.max(k.activateAt ?? k.createdAt, k.createdAt)).toISOString(),
      removeAt: k.removeAt ? new Date(k.removeAt).toISOString() : '',
    }));
    if (values['json']) return print(JSON.stringify(rows, null, 2));
    return print(formatTable([['KID', 'ROLE', 'SIGNS FROM', 'REMOVED AT'], ...rows.map((r) => [r.kid, r.role, r.activateAt, r.removeAt])]));
  } finally {
    await ctx.store.close();
  }
}

async function loginsCommand(values: Values, config: Config): Promise<void> {
  const clientId = values['client'] as string | undefined;
  const lines = values['lines'] === undefined ? 20 : Number(values['lines']);
  const store = await openStore(config);
  try {
    if (clientId !== undefined && !(await store.getClient(clientId))) {
      throw new UsageError(`--client: no client with id "${clientId}" (see sgid-provider clients list)`);
    }
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    await tailLogins(store, {
      ...(clientId !== undefined ? { clientId } : {}),
      json: values['json'] === true,
      lines,
      signal: stop.signal,
      write: print,
      warn: (message) => process.stderr.write(`warning: ${message}\n`),
    });
  } finally {
    await store.close();
  }
}

/** Every problem of an error a command can make, one line each. */
function problemsOf(err: unknown): string[] | undefined {
  if (err instanceof ClientInputError) return err.problems.map((p) => `${FIELD_FLAGS[p.field]}: ${p.message}`);
  if (err instanceof UsageError || err instanceof ConfigError) return [...err.problems];
  if (err instanceof PersonaValidationError) return err.message.split('\n');
  const singpass = singpassProblems(err);
  if (singpass) return singpass;
  return undefined;
}

function report(problems: readonly string[], footer?: string): void {
  const lines = problems.map((p) => `error: ${p.replace(/\n/g, '\n  ')}`);
  if (footer) lines.push(footer);
  process.stderr.write(`${lines.join('\n')}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const line = readCommandLine(argv, COMMAND_OPTIONS);
  const { values, positionals } = line;
  if (values['help'] && line.problems.length === 0) {
    const command = positionals[0];
    print(command !== undefined && command !== 'start' && COMMANDS[command] ? `Usage:\n${usageOf(command)}\n\nRun sgid-provider --help for every option.` : HELP);
    return 0;
  }
  if (values['version'] && line.problems.length === 0) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    print(pkg.version);
    return 0;
  }

  // Every mistake of the command line at once: options, the command, its input, the config.
  // (After an unknown option, its value may have been read as a positional: the command is not
  // judged then, lest that value be reported as an unknown command.)
  const problems = [...line.problems];
  if (!line.unknownOptions) {
    const commandProblems = checkCommand(positionals);
    problems.push(...commandProblems);
    if (commandProblems.length === 0) problems.push(...checkCommandInput(positionals, values));
  }
  let config: Config | undefined;
  try {
    config = loadConfig(values as Record<string, string | boolean | undefined>);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0 || !config) {
    report(problems, 'Run sgid-provider --help for the commands and options.');
    return 2;
  }

  const [command = 'start', sub, ...rest] = positionals;
  try {
    switch (command) {
      case 'start':
        await start(config);
        return -1; // keep running
      case 'clients':
        await clientsCommand(sub, rest, values, config);
        return 0;
      case 'personas':
        await personasCommand(values, config);
        return 0;
      case 'keys':
        await keysCommand(sub, values, config);
        return 0;
      case 'singpass':
        await singpassCommand(positionals, values, config);
        return 0;
      case 'logins':
        await loginsCommand(values, config);
        return 0;
      default: // scopes
        if (values['json']) print(JSON.stringify(SCOPES, null, 2));
        else print(formatTable([['SCOPE', 'LABEL', 'FORMAT'], ...SCOPES.map((s) => [s.scope, s.label, s.format])]));
        return 0;
    }
  } catch (err) {
    const listed = problemsOf(err);
    if (listed) {
      report(listed);
      return 2;
    }
    if (err instanceof StoreUnavailableError) {
      // The message names the service and its URL (never a password); no stack trace.
      process.stderr.write(
        `error: cannot open the store: ${err.message}\n` +
          'Check --database-url / SGID_DATABASE_URL and --redis-url / SGID_REDIS_URL, and that the service is running.\n',
      );
      return 1;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}
