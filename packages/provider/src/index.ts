export { createProvider, openContext } from './provider.js';
export type { Provider } from './provider.js';
export { loadConfig, OPTIONS, optionsMarkdown, ConfigError } from './config.js';
export type { Config } from './config.js';
export { openStore } from './store/index.js';
export { openSqliteStore } from './store/sqlite/index.js';
export { createMemoryStore } from './store/memory/index.js';
export type { Store, ClientRecord } from './store/types.js';
export { createClient } from './portal/clients.js';
