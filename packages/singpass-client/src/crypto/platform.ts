/**
 * Chooses the crypto backend once per process: Node's `crypto` module when the runtime hands it
 * out through `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno), jose on WebCrypto otherwise
 * (browsers, edge runtimes, older Node). The module is looked up at run time, never imported, so
 * bundlers and browsers never see a Node built-in.
 */
import type { CryptoBackend } from './backend.js';
import { isNodeCryptoModule, nodeCryptoBackend } from './node.js';
import { webCryptoBackend } from './webcrypto.js';

let selected: CryptoBackend | undefined;

function detect(): CryptoBackend {
  const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof getBuiltinModule === 'function') {
    try {
      const mod = getBuiltinModule('crypto');
      if (isNodeCryptoModule(mod)) return nodeCryptoBackend(mod);
    } catch {
      // not available: WebCrypto
    }
  }
  return webCryptoBackend();
}

/** The backend in use (chosen on first call). */
export function cryptoBackend(): CryptoBackend {
  return (selected ??= detect());
}

/**
 * Forces a backend for this process (tests and benchmarks): `'webcrypto'`, or `'auto'` to choose
 * again as on start. Clients already constructed keep the keys they imported.
 * @internal
 */
export function selectCryptoBackend(choice: 'auto' | 'webcrypto'): CryptoBackend {
  selected = choice === 'webcrypto' ? webCryptoBackend() : detect();
  return selected;
}
