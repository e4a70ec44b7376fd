/** Each app's private JWKS, kept in a file (mode 600) and made on first use, as `npx singpass-client keys generate` does. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKeys, parsePrivateJwks, type Jwks } from 'singpass-client';

export async function loadOrCreateKeys(file: string): Promise<{ keys: Jwks; created: boolean }> {
  if (existsSync(file)) return { keys: parsePrivateJwks(readFileSync(file, 'utf8')), created: false };
  const { privateJwks } = await generateKeys();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(privateJwks, null, 2)}\n`, { mode: 0o600 });
  return { keys: privateJwks, created: true };
}
