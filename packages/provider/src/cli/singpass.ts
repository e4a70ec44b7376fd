/**
 * `sgid-provider singpass clients create|list|delete`: Singpass relying parties on the CLI.
 * The contract (flags, JSON output) is kept stable; every mistake names its flag.
 */
import { readFileSync } from 'node:fs';
import { MYINFO_ITEMS, SINGPASS_MOUNTS } from 'sgid-protocol';
import type { Config } from '../config.js';
import {
  SingpassClientInputError,
  createSingpassClient,
  singpassClientView,
  validateSingpassClientInput,
} from '../portal/singpass-clients.js';
import type { SingpassClientField, SingpassClientInput } from '../portal/singpass-clients.js';
import { openStore } from '../store/index.js';
import { formatTable } from '../util/text-width.js';
import type { CommandLine, OptionDefinition } from './arguments.js';

type Values = CommandLine['values'];

export const SINGPASS_USAGE = `  sgid-provider singpass clients create --name NAME --redirect-uri URL [--redirect-uri URL2 …]
                --app-type login|myinfo --scope "openid …" (--jwks-uri URL | --jwks FILE)
                [--legacy-profile direct|direct_pii_allowed] [--acr-values "…loa:3"]
                [--description TEXT] [--id ID] [--json]
                                              register a Singpass relying party (FAPI 2.0 and legacy)
  sgid-provider singpass clients list [--json] registered Singpass clients
  sgid-provider singpass clients delete ID     remove a Singpass client
  sgid-provider singpass items [--json]        the Myinfo v5 catalog (scopes of Myinfo apps)`;

/** Options only the singpass commands take (name, scope, redirect-uri, id, json and description are shared). */
export const SINGPASS_OPTIONS: Record<string, OptionDefinition> = {
  'app-type': { type: 'string' },
  'jwks-uri': { type: 'string' },
  jwks: { type: 'string' },
  'legacy-profile': { type: 'string' },
  'acr-values': { type: 'string' },
};

export const SINGPASS_SUBCOMMANDS = ['clients', 'items'] as const;
export const SINGPASS_CLIENT_ACTIONS = ['create', 'list', 'delete'] as const;

const FIELD_FLAGS: Record<SingpassClientField, string> = {
  name: '--name',
  description: '--description',
  appType: '--app-type',
  scopes: '--scope',
  redirectUris: '--redirect-uri',
  jwks: '--jwks',
  jwksUri: '--jwks-uri',
  legacyProfile: '--legacy-profile',
  acrValues: '--acr-values',
  id: '--id',
};

/** A mistake in a singpass command that is not about one flag (e.g. an unknown client id). */
export class SingpassCliError extends Error {}

/** A SingpassClientInputError as CLI lines, each naming its flag. */
export function singpassProblems(err: unknown): string[] | undefined {
  if (err instanceof SingpassCliError) return [err.message];
  if (!(err instanceof SingpassClientInputError)) return undefined;
  return err.problems.map((p) => `${FIELD_FLAGS[p.field]}: ${p.message}`);
}

function print(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

/** What `singpass clients create` would register, or every problem with it. */
function inputFromFlags(values: Values): { input?: SingpassClientInput; id?: string; problems: string[] } {
  const problems: string[] = [];
  let jwks: string | undefined;
  const jwksFile = values['jwks'] as string | undefined;
  if (jwksFile !== undefined) {
    try {
      jwks = readFileSync(jwksFile, 'utf8');
    } catch (err) {
      problems.push(`--jwks ${jwksFile}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  const redirectUris = (values['redirect-uri'] as string[] | undefined) ?? [];
  const input: SingpassClientInput = {
    name: (values['name'] as string | undefined) ?? '',
    description: values['description'] as string | undefined,
    appType: (values['app-type'] as string | undefined) ?? '',
    scopes: ((values['scope'] as string[] | undefined) ?? ['openid']).join(' '),
    redirectUris,
    ...(jwks !== undefined ? { jwks } : {}),
    ...(values['jwks-uri'] !== undefined ? { jwksUri: values['jwks-uri'] as string } : {}),
    ...(values['legacy-profile'] !== undefined ? { legacyProfile: values['legacy-profile'] as string } : {}),
    ...(values['acr-values'] !== undefined ? { acrValues: values['acr-values'] as string } : {}),
  };
  const id = values['id'] as string | undefined;
  try {
    validateSingpassClientInput(input, id);
  } catch (err) {
    const lines = singpassProblems(err);
    if (!lines) throw err;
    for (const [i, p] of (err as SingpassClientInputError).problems.entries()) {
      if (p.field === 'name' && values['name'] === undefined) problems.push('--name is required: the name users see in the Singpass app');
      else if (p.field === 'appType' && values['app-type'] === undefined) problems.push('--app-type is required: login (ID token only) or myinfo (ID token and Myinfo data)');
      else if (p.field === 'redirectUris' && redirectUris.length === 0) problems.push('--redirect-uri is required (repeat it for several URLs)');
      else if (p.field === 'jwks' && jwksFile === undefined && values['jwks-uri'] === undefined) problems.push('--jwks-uri URL or --jwks FILE is required: the client\'s public keys');
      else if (!(p.field === 'jwks' && jwksFile !== undefined && jwks === undefined)) problems.push(lines[i]!);
    }
  }
  return problems.length > 0 ? { problems } : { input, ...(id !== undefined ? { id } : {}), problems };
}

/** Problems found before anything runs (the command's own input). */
export function checkSingpassInput(positionals: readonly string[], values: Values): string[] {
  const [, sub, action] = positionals;
  if (sub === 'clients' && action === 'create') return inputFromFlags(values).problems;
  return [];
}

/** The command words after `singpass`, checked. */
export function checkSingpassCommand(positionals: readonly string[]): string[] {
  const [, sub, action, ...extra] = positionals;
  if (sub === 'items') return extra.length > 0 || action !== undefined ? [`unexpected argument "${action}" after "singpass items"`] : [];
  if (action === undefined) return [`"singpass clients" needs a subcommand: ${SINGPASS_CLIENT_ACTIONS.map((a) => `singpass clients ${a}`).join(', ')}`];
  if (!(SINGPASS_CLIENT_ACTIONS as readonly string[]).includes(action)) {
    return [`unknown command "singpass clients ${action}" (use ${SINGPASS_CLIENT_ACTIONS.map((a) => `singpass clients ${a}`).join(', ')})`];
  }
  if (action === 'delete' && extra.length === 0) return ['singpass clients delete needs the client id: sgid-provider singpass clients delete ID (see singpass clients list)'];
  const allowed = action === 'delete' ? 1 : 0;
  return extra.slice(allowed).map((a) => `unexpected argument "${a}" after "singpass clients ${action}"`);
}

export async function singpassCommand(positionals: readonly string[], values: Values, config: Config): Promise<void> {
  const [, sub, action, id] = positionals;
  if (sub === 'items') {
    if (values['json']) return print(JSON.stringify(MYINFO_ITEMS, null, 2));
    return print(formatTable([['ITEM', 'LABEL', 'SHAPE'], ...MYINFO_ITEMS.map((i) => [i.item, i.label, i.shape])]));
  }
  const store = await openStore(config);
  try {
    if (action === 'create') {
      const { input, id: wanted } = inputFromFlags(values);
      if (!input) throw new Error('singpass clients create: the input was not checked first');
      const client = singpassClientView(await createSingpassClient(store, input, wanted));
      if (values['json']) return print(JSON.stringify(client, null, 2));
      return print(
        [
          `Registered Singpass ${client.appType === 'login' ? 'Login' : 'Myinfo'} app "${client.name}"`,
          `  client id   ${client.id}`,
          `  scopes      ${client.scopes.join(' ')}`,
          `  keys        ${client.jwksUri ?? `inline JWKS (${client.jwks?.keys.length ?? 0} keys)`}`,
          `  FAPI 2.0    issuer ${config.publicUrl}${SINGPASS_MOUNTS.fapi}`,
          `  legacy      issuer ${config.publicUrl} (profile ${client.legacyProfile})`,
        ].join('\n'),
      );
    }
    if (action === 'list') {
      const clients = (await store.listSingpassClients()).map(singpassClientView);
      if (values['json']) return print(JSON.stringify(clients, null, 2));
      if (clients.length === 0) return print('No Singpass clients. Register one with: sgid-provider singpass clients create --help');
      return print(
        formatTable([
          ['ID', 'NAME', 'APP', 'SCOPES', 'KEYS', 'REDIRECT URLS'],
          ...clients.map((c) => [c.id, c.name, c.appType, c.scopes.join(' '), c.jwksUri ?? 'inline JWKS', c.redirectUris.join(' ')]),
        ]),
      );
    }
    if (!(await store.deleteSingpassClient(id!))) throw new SingpassCliError(`no Singpass client with id "${id}" (see sgid-provider singpass clients list)`);
    return print(`Deleted Singpass client ${id}`);
  } finally {
    await store.close();
  }
}
