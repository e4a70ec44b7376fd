/**
 * Starts a real provider over HTTP on a free loopback port, with a real SQLite store
 * (in memory unless `data` is given), for tests of the provider and of relying parties.
 */
import { freePort } from './ports.js';
import type { ClientCredentials } from 'sgid-protocol';
import { loadConfig } from '../../src/config.js';
import type { Config } from '../../src/config.js';
import { createClient } from '../../src/portal/clients.js';
import { createProvider } from '../../src/provider.js';
import type { Provider } from '../../src/provider.js';
import type { Store } from '../../src/store/types.js';
import { builtInPersonas } from '../../src/wallet/personas/index.js';
import type { TestClock } from './clock.js';

export { freePort } from './ports.js';

export interface TestProvider {
  /** Origin, e.g. http://127.0.0.1:PORT — what SDKs take as `hostname`. */
  url: string;
  issuer: string;
  provider: Provider;
  store: Store;
  config: Config;
  /** The first built-in persona (full data, adult citizen). */
  defaultPersonaId: string;
  createClient(opts: {
    scopes: string[] | string;
    redirectUris: string[];
    name?: string;
    description?: string;
    publicKey?: string;
  }): Promise<ClientCredentials>;
  close(): Promise<void>;
}

/**
 * `clock`: the provider (and the SQLite store it opens) reads this clock instead of the
 * system's; a `store` given here keeps its own clock, and is not closed by `close()`.
 */
export async function startProvider(opts: Partial<Config> & { store?: Store; clock?: TestClock } = {}): Promise<TestProvider> {
  const { store, clock, ...overrides } = opts;
  const port = overrides.port ?? (await freePort());
  const config = loadConfig({}, {}, { data: ':memory:', logLevel: 'silent', host: '127.0.0.1', publicUrl: `http://127.0.0.1:${port}`, ...overrides, port });
  const provider = await createProvider(config, store, clock ? { now: clock.now } : {});
  await provider.listen();
  return {
    url: config.publicUrl,
    issuer: config.issuer,
    provider,
    store: provider.ctx.store,
    config,
    defaultPersonaId: builtInPersonas(new Date(clock ? clock.now() : Date.now()))[0]!.id,
    createClient: (c) =>
      createClient(provider.ctx.store, {
        name: c.name ?? 'Test client',
        description: c.description ?? 'A client registered by a test',
        scopes: c.scopes,
        redirectUris: c.redirectUris,
        ...(c.publicKey !== undefined ? { publicKey: c.publicKey } : {}),
      }),
    close: () => provider.close(),
  };
}
