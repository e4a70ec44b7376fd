/**
 * The client registry: the one place that validates client metadata and creates, edits and
 * rotates clients, used by the CLI and the portal alike. The secret is returned once and
 * stored hashed; a generated private key is returned once and never stored.
 */
import { createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { getScope, parseScopeString } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import type { ClientRecord, Store } from '../store/types.js';
import { hashSecret, randomAlphanumeric } from '../util/secrets.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The inputs of a client that can be wrong. */
export type ClientInputField = 'name' | 'description' | 'scopes' | 'redirectUris' | 'publicKey' | 'id';

/** One mistake in a client's metadata, naming its field. */
export interface ClientProblem {
  readonly field: ClientInputField;
  readonly message: string;
}

/**
 * Invalid client metadata: every problem found, each naming its field, so that the portal
 * and the CLI can list them all at once rather than one per attempt.
 */
export class ClientInputError extends Error {
  readonly code = 'invalid_client_metadata';
  readonly problems: readonly ClientProblem[];
  constructor(field: ClientInputField, message: string);
  constructor(problems: readonly ClientProblem[]);
  constructor(fieldOrProblems: ClientInputField | readonly ClientProblem[], message?: string) {
    const problems = typeof fieldOrProblems === 'string' ? [{ field: fieldOrProblems, message: message ?? '' }] : [...fieldOrProblems];
    if (problems.length === 0) throw new TypeError('a ClientInputError needs at least one problem');
    super(problems.map((p) => p.message).join('; '));
    this.name = 'ClientInputError';
    this.problems = problems;
  }

  /** The field of the first problem. */
  get field(): ClientInputField {
    return this.problems[0]!.field;
  }
}

/**
 * Runs each check, collecting the problems of every one that fails, and returns their results
 * when all passed. Any other error is thrown as is.
 */
export function checkAll<T extends readonly (() => unknown)[]>(
  checks: T,
): { [K in keyof T]: T[K] extends () => infer R ? R : never } {
  const problems: ClientProblem[] = [];
  const results = checks.map((check) => {
    try {
      return check();
    } catch (err) {
      if (err instanceof ClientInputError) problems.push(...err.problems);
      else throw err;
      return undefined;
    }
  });
  if (problems.length > 0) throw new ClientInputError(problems);
  return results as { [K in keyof T]: T[K] extends () => infer R ? R : never };
}

export interface ClientInput {
  name: string;
  description?: string;
  /** Space-separated string or list; `openid` is added when missing. */
  scopes: string | readonly string[];
  redirectUris: readonly string[];
  /** The client's own RSA public key (PEM, SPKI or PKCS#1); generated when absent. */
  publicKey?: string;
}

export function validateName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new ClientInputError('name', 'name is required: it is shown to the user on the consent screen');
  if (name.trim().length > 100) throw new ClientInputError('name', `name is ${name.trim().length} characters long; at most 100`);
  return name.trim();
}

export function validateDescription(description: unknown): string {
  if (description === undefined || description === null) return '';
  if (typeof description !== 'string') throw new ClientInputError('description', 'description must be text');
  if (description.trim().length > 500) throw new ClientInputError('description', `description is ${description.trim().length} characters long; at most 500`);
  return description.trim();
}

export function validateScopes(scopes: string | readonly string[]): string[] {
  const list = typeof scopes === 'string' ? parseScopeString(scopes) : [...new Set(scopes.flatMap((s) => parseScopeString(s)))];
  const unknown = list.filter((s) => !getScope(s));
  if (unknown.length > 0) {
    throw new ClientInputError('scopes', `unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (see \`sgid-provider scopes\` or the portal for the catalog)`);
  }
  return list.includes('openid') ? list : ['openid', ...list];
}

/** Redirect URLs a client may register. */
export const MAX_REDIRECT_URIS = 20;

/** What is wrong with one redirect URL, or undefined when it may be registered. */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > 2000) return `redirect URL "${uri.slice(0, 40)}…" is longer than 2000 characters`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `redirect URL "${uri}" is not an absolute URL (e.g. http://localhost:5001/api/redirect)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `redirect URL "${uri}" must use http or https`;
  if (url.hash !== '' || uri.includes('#')) return `redirect URL "${uri}" must not contain a fragment (#…) (RFC 6749 §3.1.2)`;
  if (url.username || url.password) return `redirect URL "${uri}" must not contain credentials`;
  return undefined;
}

/** Every URL is checked, and every one that is wrong is reported. */
export function validateRedirectUris(uris: readonly string[]): string[] {
  const list = [...new Set(uris.map((u) => u.trim()).filter((u) => u !== ''))];
  if (list.length === 0) throw new ClientInputError('redirectUris', 'at least one redirect URL is required');
  const problems: ClientProblem[] = [];
  if (list.length > MAX_REDIRECT_URIS) {
    problems.push({ field: 'redirectUris', message: `${list.length} redirect URLs given; at most ${MAX_REDIRECT_URIS}` });
  }
  for (const uri of list) {
    const message = redirectUriProblem(uri);
    if (message !== undefined) problems.push({ field: 'redirectUris', message });
  }
  if (problems.length > 0) throw new ClientInputError(problems);
  return list;
}

/** An RSA public key of at least 2048 bits, returned as SPKI PEM. */
export function validatePublicKey(pem: string): string {
  let key;
  try {
    key = createPublicKey(pem.replace(/\\n/g, '\n'));
  } catch {
    throw new ClientInputError('publicKey', 'publicKey is not a PEM public key (expected "-----BEGIN PUBLIC KEY-----" or "-----BEGIN RSA PUBLIC KEY-----")');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new ClientInputError('publicKey', `publicKey is a ${key.asymmetricKeyType} key; sgID needs an RSA key`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new ClientInputError('publicKey', `publicKey has ${bits} bits; sgID needs RSA-2048 or larger`);
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

async function newKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  return generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function newClientId(name: string): string {
  const slug = name.toUpperCase().replace(/[^A-Z0-9]+/g, '').slice(0, 12) || 'CLIENT';
  return `${slug}-${randomAlphanumeric(8).toUpperCase()}`;
}

function credentials(c: ClientRecord, secret: string, privateKey?: string): ClientCredentials {
  return {
    id: c.id,
    secret,
    name: c.name,
    description: c.description,
    scopes: c.scopes,
    redirectUris: c.redirectUris,
    publicKey: c.publicKey,
    ...(privateKey ? { privateKey } : {}),
  };
}

/** A client's metadata once every field has been checked. */
export interface ValidClientInput {
  name: string;
  description: string;
  scopes: string[];
  redirectUris: string[];
  /** SPKI PEM; absent when a key pair is to be generated. */
  publicKey?: string;
}

/** The problem with a requested client id, if any (its format; whether it is taken needs the store). */
function clientIdProblem(id: string): string | undefined {
  return /^[A-Za-z0-9._-]{3,64}$/.test(id) ? undefined : `client id "${id}" must be 3–64 characters of A-Z a-z 0-9 . _ -`;
}

/**
 * Checks every field of a new client and reports every problem at once (a ClientInputError
 * with one entry per mistake). Needs no store: whether a requested id is taken is checked by
 * createClient.
 */
export function validateClientInput(input: ClientInput, id?: string): ValidClientInput {
  const [name, description, scopes, redirectUris, publicKey] = checkAll([
    () => validateName(input.name),
    () => validateDescription(input.description),
    () => validateScopes(input.scopes),
    () => validateRedirectUris(input.redirectUris),
    () => (input.publicKey !== undefined ? validatePublicKey(input.publicKey) : undefined),
    () => {
      const problem = id !== undefined ? clientIdProblem(id) : undefined;
      if (problem !== undefined) throw new ClientInputError('id', problem);
    },
  ] as const);
  return { name, description, scopes, redirectUris, ...(publicKey !== undefined ? { publicKey } : {}) };
}

/** Registers a client; the credentials (secret, generated private key) are shown only now. */
export async function createClient(store: Store, input: ClientInput, id?: string): Promise<ClientCredentials> {
  const valid = validateClientInput(input, id);
  if (id !== undefined && (await store.getClient(id))) throw new ClientInputError('id', `a client with id "${id}" already exists`);
  let publicKey: string;
  let privateKey: string | undefined;
  if (valid.publicKey !== undefined) publicKey = valid.publicKey;
  else ({ publicKey, privateKey } = await newKeyPair());
  const secret = randomAlphanumeric(32);
  const now = Date.now();
  const record: ClientRecord = {
    id: id ?? newClientId(valid.name),
    secretHash: hashSecret(secret),
    name: valid.name,
    description: valid.description,
    scopes: valid.scopes,
    redirectUris: valid.redirectUris,
    publicKey,
    createdAt: now,
    updatedAt: now,
  };
  await store.putClient(record);
  return credentials(record, secret, privateKey);
}

export interface ClientPatch {
  name?: string;
  description?: string;
  scopes?: string | readonly string[];
  redirectUris?: readonly string[];
}

/** Changes the given fields; every problem of the patch is reported at once and nothing changes. */
export async function updateClient(store: Store, id: string, patch: ClientPatch): Promise<ClientRecord> {
  const c = await store.getClient(id);
  if (!c) throw new ClientInputError('id', `no client with id "${id}"`);
  const [name, description, scopes, redirectUris] = checkAll([
    () => (patch.name !== undefined ? validateName(patch.name) : c.name),
    () => (patch.description !== undefined ? validateDescription(patch.description) : c.description),
    () => (patch.scopes !== undefined ? validateScopes(patch.scopes) : c.scopes),
    () => (patch.redirectUris !== undefined ? validateRedirectUris(patch.redirectUris) : c.redirectUris),
  ] as const);
  const next: ClientRecord = { ...c, name, description, scopes, redirectUris, updatedAt: Date.now() };
  await store.putClient(next);
  return next;
}

/** A new secret, shown once; the old one stops working at once. */
export async function rotateSecret(store: Store, id: string): Promise<string> {
  const c = await store.getClient(id);
  if (!c) throw new ClientInputError('id', `no client with id "${id}"`);
  const secret = randomAlphanumeric(32);
  await store.putClient({ ...c, secretHash: hashSecret(secret), updatedAt: Date.now() });
  return secret;
}

/** A new key pair: the private key is returned once; data is encrypted to the new key from now on. */
export async function rotateKeyPair(store: Store, id: string): Promise<{ publicKey: string; privateKey: string }> {
  const c = await store.getClient(id);
  if (!c) throw new ClientInputError('id', `no client with id "${id}"`);
  const pair = await newKeyPair();
  await store.putClient({ ...c, publicKey: pair.publicKey, updatedAt: Date.now() });
  return pair;
}

/** What may be shown of a client after registration: never the secret hash. */
export function publicView(c: ClientRecord) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    scopes: c.scopes,
    redirectUris: c.redirectUris,
    publicKey: c.publicKey,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}
