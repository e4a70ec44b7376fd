/**
 * sgid-provider: `start` (default) runs the server; `clients`, `personas`, `keys` and `scopes`
 * manage the same store, whether or not a server is running on it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SCOPES } from 'sgid-protocol';
import { ConfigError, OPTIONS, loadConfig, parseArgsOptions } from './config.js';
import type { Config } from './config.js';
import { JWKS_MAX_AGE, describeKey, rotateKeys, signingKeyAt } from './keys/key-ring.js';
import { ClientInputError, createClient, publicView } from './portal/clients.js';
import { createProvider, openContext } from './provider.js';
import { openStore } from './store/index.js';
import { StoreUnavailableError } from './store/types.js';
import { PersonaValidationError } from './wallet/personas/index.js';

/** A mistake in how the command was called: printed without a stack, exit code 2. */
class UsageError extends Error {}

const HELP = `sgid-provider — a faithful, strict sgID v2 provider for development and tests

Usage:
  sgid-provider [start] [options]             run the provider (default command)
  sgid-provider clients create --name NAME --redirect-uri URL [--redirect-uri URL2 …]
                [--scope "openid myinfo.name …"] [--description TEXT] [--public-key FILE]
                [--id ID] [--json]            register a client; prints its credentials once
  sgid-provider clients list [--json]         registered clients (never secrets)
  sgid-provider clients delete ID             remove a client
  sgid-provider personas list [--json]        test personas and their ids (NRIC/FIN)
  sgid-provider keys list                     the provider's signing keys
  sgid-provider keys rotate                   publish a new signing key; it signs after --key-rotation-delay
  sgid-provider scopes [--json]               the data catalog

Options (every option also reads its environment variable):
${Object.values(OPTIONS)
  .map((o) => {
    const def = 'default' in o ? ` [default: ${String(o.default)}]` : '';
    return `  --${o.flag.padEnd(20)} ${o.env.padEnd(24)} ${o.description}${def}`;
  })
  .join('\n')}
`;

const COMMAND_OPTIONS = {
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
} as const;

const FIELD_FLAGS: Record<ClientInputError['field'], string> = {
  name: '--name',
  description: '--description',
  scopes: '--scope',
  redirectUris: '--redirect-uri',
  publicKey: '--public-key',
  id: '--id',
};

function print(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

async function start(config: Config): Promise<void> {
  const provider = await createProvider(config);
  const { port } = await provider.listen();
  const clients = await provider.ctx.store.listClients();
  print(
    [
      `sgID provider listening on ${config.host}:${port} — ${config.publicUrl}`,
      `  issuer      ${config.issuer}`,
      `  store       ${provider.ctx.store.description.replace(/\/\/[^@/]*@/, '//')}`,
      `  portal      ${config.publicUrl}/portal`,
      `  clients     ${clients.length} registered${clients.length === 0 ? ' (sgid-provider clients create --help)' : ''}`,
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

async function clientsCommand(sub: string | undefined, rest: string[], values: Record<string, unknown>, config: Config) {
  const store = await openStore(config);
  try {
    if (sub === 'create') {
      const redirectUris = (values['redirect-uri'] as string[] | undefined) ?? [];
      if (typeof values['name'] !== 'string') throw new UsageError('--name is required: the name users see on the consent screen');
      if (redirectUris.length === 0) throw new UsageError('--redirect-uri is required (repeat it for several URLs)');
      let publicKey: string | undefined;
      const keyFile = values['public-key'] as string | undefined;
      if (keyFile !== undefined) {
        try {
          publicKey = readFileSync(keyFile, 'utf8');
        } catch (err) {
          throw new UsageError(`--public-key ${keyFile}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
        }
      }
      const creds = await createClient(
        store,
        {
          name: values['name'],
          description: values['description'] as string | undefined,
          scopes: ((values['scope'] as string[] | undefined) ?? ['openid myinfo.name']).join(' '),
          redirectUris,
          ...(publicKey !== undefined ? { publicKey } : {}),
        },
        values['id'] as string | undefined,
      );
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
        table([['ID', 'NAME', 'SCOPES', 'REDIRECT URLS'], ...clients.map((c) => [c.id, c.name, c.scopes.join(' '), c.redirectUris.join(' ')])]),
      );
    }
    if (sub === 'delete') {
      const id = rest[0];
      if (!id) throw new UsageError('clients delete needs the client id: sgid-provider clients delete ID');
      if (!(await store.deleteClient(id))) throw new UsageError(`no client with id "${id}"`);
      return print(`Deleted client ${id}`);
    }
    throw new UsageError(`unknown command "clients ${sub ?? ''}": use clients create, clients list or clients delete`);
  } finally {
    await store.close();
  }
}

async function personasCommand(sub: string | undefined, values: Record<string, unknown>, config: Config) {
  if (sub !== 'list') throw new UsageError(`unknown command "personas ${sub ?? ''}": use personas list`);
  const ctx = await openContext({ ...config, autoApprove: undefined });
  try {
    const personas = await ctx.personas.list();
    if (values['json']) return print(JSON.stringify(personas, null, 2));
    return print(table([['ID', 'NAME', 'ABOUT'], ...personas.map((p) => [p.id, p.values['myinfo.name'] ?? '', p.label])]));
  } finally {
    await ctx.store.close();
  }
}

async function keysCommand(sub: string | undefined, values: Record<string, unknown>, config: Config) {
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
    if (sub === 'list') {
      const now = Date.now();
      const keys = await ctx.store.listKeys();
      const signing = signingKeyAt(keys, now);
      const rows = keys.map((k) => ({
        kid: k.kid,
        role: describeKey(k, signing, now),
        activateAt: new Date(k.activateAt ?? k.createdAt).toISOString(),
        removeAt: k.removeAt ? new Date(k.removeAt).toISOString() : '',
      }));
      if (values['json']) return print(JSON.stringify(rows, null, 2));
      return print(table([['KID', 'ROLE', 'SIGNS FROM', 'REMOVED AT'], ...rows.map((r) => [r.kid, r.role, r.activateAt, r.removeAt])]));
    }
    throw new UsageError(`unknown command "keys ${sub ?? ''}": use keys list or keys rotate`);
  } finally {
    await ctx.store.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: COMMAND_OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\nRun sgid-provider --help for the options.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    print(HELP);
    return 0;
  }
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    print(pkg.version);
    return 0;
  }
  const [command = 'start', sub, ...rest] = positionals;
  try {
    const config = loadConfig(values as Record<string, string | boolean | undefined>);
    switch (command) {
      case 'start':
        await start(config);
        return -1; // keep running
      case 'clients':
        await clientsCommand(sub, rest, values, config);
        return 0;
      case 'personas':
        await personasCommand(sub, values, config);
        return 0;
      case 'keys':
        await keysCommand(sub, values, config);
        return 0;
      case 'scopes':
        if (values.json) print(JSON.stringify(SCOPES, null, 2));
        else print(table([['SCOPE', 'LABEL', 'FORMAT'], ...SCOPES.map((s) => [s.scope, s.label, s.format])]));
        return 0;
      default:
        throw new UsageError(`unknown command "${command}". Run sgid-provider --help`);
    }
  } catch (err) {
    if (err instanceof ClientInputError) {
      process.stderr.write(`error: ${FIELD_FLAGS[err.field]}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof PersonaValidationError) {
      process.stderr.write(`error: ${err.message}\n`);
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
