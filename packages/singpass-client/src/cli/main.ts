/**
 * `npx singpass-client keys …`: make and rotate the relying party's keys (SINGPASS.md §5.1).
 * The private JWKS goes to a file (mode 600, never overwritten without --force); the public one
 * goes to stdout, to publish at the JWKS URL registered with Singpass.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateKey, generateKeys, parsePrivateJwks, toPublicJwks, type Jwks } from '../keys.js';
import { SingpassError } from '../errors.js';
import type { Curve } from '../crypto/backend.js';

const USAGE = `Usage: singpass-client keys <command> [options]

  keys generate [--out FILE] [--curve P-256|P-384|P-521] [--force]
      Makes a private JWKS for a Singpass client: an ES256 signing key and an
      ECDH-ES+A256KW encryption key, each with kid, use and alg. Writes it to FILE
      (default singpass-keys.json, mode 600, never overwritten without --force;
      "-" writes it to stdout instead) and prints the public JWKS to publish.

  keys public FILE
      Prints the public JWKS of a private JWKS file (what client.jwks() serves).

  keys add FILE --use sig|enc [--curve …]
      Rotation, step 1: adds a new key at the end of FILE and prints the new
      public JWKS to publish. Both keys work: the SDK decrypts with whichever
      encryption key Singpass used, and keeps signing with the old signing key.

  keys remove FILE --kid KID
      Rotation, step 2, an hour later (Singpass caches your JWKS for an hour):
      removes the old key; the next signing key in FILE signs from then on.
`;

class UsageError extends Error {}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function curveOf(value: string | undefined): Curve {
  const curve = value ?? 'P-256';
  if (curve !== 'P-256' && curve !== 'P-384' && curve !== 'P-521') throw new UsageError(`--curve: ${curve} is not P-256, P-384 or P-521`);
  return curve;
}

function readJwks(file: string | undefined): Jwks {
  if (!file) throw new UsageError('name the private JWKS file');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parsePrivateJwks(text);
}

function writePrivate(file: string, jwks: Jwks): void {
  writeFileSync(file, json(jwks), { mode: 0o600 });
}

async function keys(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      curve: { type: 'string' },
      force: { type: 'boolean', default: false },
      use: { type: 'string' },
      kid: { type: 'string' },
    },
  });
  switch (command) {
    case 'generate': {
      if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
      const file = values.out ?? 'singpass-keys.json';
      if (file !== '-' && existsSync(file) && !values.force) throw new UsageError(`${file} exists: keep it, or pass --force to replace it (its keys stop working)`);
      const { privateJwks, publicJwks } = await generateKeys({ curve: curveOf(values.curve) });
      if (file === '-') {
        out(json(privateJwks));
        return 0;
      }
      writePrivate(file, privateJwks);
      err(`Private keys written to ${file} (mode 600). Keep them secret and out of git; give them to SingpassClient as \`keys\`.`);
      err('Publish this public JWKS at the JWKS URL you register with Singpass (client.jwks() serves it):');
      out(json(publicJwks));
      return 0;
    }
    case 'public': {
      out(json(toPublicJwks(readJwks(positionals[0]))));
      return 0;
    }
    case 'add': {
      const file = positionals[0];
      const jwks = readJwks(file);
      if (values.use !== 'sig' && values.use !== 'enc') throw new UsageError('--use must be sig or enc');
      const key = await generateKey(values.use, { curve: curveOf(values.curve) });
      // Last: the SDK signs with the first signing key, so the old one signs until it is removed.
      jwks.keys = [...jwks.keys, key];
      writePrivate(file!, jwks);
      err(`Added ${values.use} key ${key.kid} to ${file}. Publish the new public JWKS:`);
      out(json(toPublicJwks(jwks)));
      return 0;
    }
    case 'remove': {
      const file = positionals[0];
      const jwks = readJwks(file);
      if (!values.kid) throw new UsageError('--kid names the key to remove');
      const kept = jwks.keys.filter((k) => k.kid !== values.kid);
      if (kept.length === jwks.keys.length) throw new UsageError(`--kid: no key ${values.kid} in ${file}`);
      const next = parsePrivateJwks({ keys: kept }); // still one sig and one enc key
      writePrivate(file!, next);
      err(`Removed ${values.kid} from ${file}. Publish the new public JWKS:`);
      out(json(toPublicJwks(next)));
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command "keys ${command}"` : 'keys needs a command');
  }
}

/** Runs the CLI; returns the exit code (0 done, 1 failed, 2 usage). */
export async function main(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  try {
    if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
      out(USAGE);
      return group === undefined ? 2 : 0;
    }
    if (group !== 'keys') throw new UsageError(`unknown command "${group}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      out(USAGE);
      return 0;
    }
    return await keys(rest);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`singpass-client: ${(e as Error).message.split('\n')[0]}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof SingpassError) {
      err(`singpass-client: ${e.message}\n${e.hint}`);
      return 1;
    }
    err(`singpass-client: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
