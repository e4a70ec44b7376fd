// Prints what the Python tests compare against, from the provider's own modules: the scope
// catalog and, for every built-in persona, the values the wallet releases for every scope today.
import { SCOPES } from 'sgid-protocol';
import { builtInPersonas, releaseValues } from '../../provider/src/wallet/personas/index.js';

const now = new Date();
const scopes = SCOPES.map((s) => s.scope);
const personas = builtInPersonas(now).map((p) => ({ id: p.id, label: p.label, expected: releaseValues(p, scopes, now) }));
process.stdout.write(JSON.stringify({ scopes, personas }));
