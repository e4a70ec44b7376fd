/**
 * The Singpass client registry: the one place that validates a Singpass relying party's
 * registration (app type, scopes, redirect URLs, its public JWKS or JWKS URL, legacy profile,
 * whitelisted acr values) and creates, edits and deletes it — for the CLI and the portal alike.
 * Singpass clients authenticate with `private_key_jwt`: there is no secret, and a JWKS with a
 * private member is refused, so no private key is ever stored.
 */
import { createPublicKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import {
  LEGACY_PROFILES,
  LOGIN_APP_SCOPES,
  SINGPASS_CLIENT_ID_PATTERN,
  SINGPASS_REQUESTABLE_ACR,
  getMyinfoItem,
  parseScopeString,
  rpJwksProblems,
} from 'sgid-protocol';
import type { LegacyProfile, SingpassAppType } from 'sgid-protocol';
import type { SingpassClientRecord, Store } from '../store/types.js';
import { randomAlphanumeric } from '../util/secrets.js';
import { ClientInputError, validateDescription, validateName, validateRedirectUris } from './clients.js';

export type SingpassClientField =
  | 'name'
  | 'description'
  | 'appType'
  | 'scopes'
  | 'redirectUris'
  | 'jwks'
  | 'jwksUri'
  | 'legacyProfile'
  | 'acrValues'
  | 'id';

export interface SingpassClientProblem {
  readonly field: SingpassClientField;
  readonly message: string;
}

/** Invalid Singpass client metadata: every problem at once, each naming its field. */
export class SingpassClientInputError extends Error {
  readonly code = 'invalid_client_metadata';
  readonly problems: readonly SingpassClientProblem[];
  constructor(problems: readonly SingpassClientProblem[]) {
    if (problems.length === 0) throw new TypeError('a SingpassClientInputError needs at least one problem');
    super(problems.map((p) => p.message).join('; '));
    this.name = 'SingpassClientInputError';
    this.problems = [...problems];
  }
}

const problem = (field: SingpassClientField, message: string) => new SingpassClientInputError([{ field, message }]);

/** Runs every check; throws all their problems together, or returns their results. */
function checkAll<T extends readonly (() => unknown)[]>(checks: T): { [K in keyof T]: T[K] extends () => infer R ? R : never } {
  const problems: SingpassClientProblem[] = [];
  const results = checks.map((check) => {
    try {
      return check();
    } catch (err) {
      if (err instanceof SingpassClientInputError) problems.push(...err.problems);
      // The shared checks of name, description and redirect URLs (same rules as sgID clients).
      else if (err instanceof ClientInputError) {
        for (const p of err.problems) problems.push({ field: p.field as SingpassClientField, message: p.message });
      } else throw err;
      return undefined;
    }
  });
  if (problems.length > 0) throw new SingpassClientInputError(problems);
  return results as { [K in keyof T]: T[K] extends () => infer R ? R : never };
}

export interface SingpassClientInput {
  name: string;
  description?: string;
  appType: string;
  /** Space-separated string or list; `openid` is added when missing. */
  scopes: string | readonly string[];
  redirectUris: readonly string[];
  /** The public JWKS: an object or its JSON text. Exactly one of `jwks` and `jwksUri`. */
  jwks?: unknown;
  jwksUri?: string;
  legacyProfile?: string;
  /** Space-separated string or list. */
  acrValues?: string | readonly string[];
}

export function validateAppType(appType: unknown): SingpassAppType {
  if (appType === 'login' || appType === 'myinfo') return appType;
  throw problem('appType', `app type must be "login" (ID token only) or "myinfo" (ID token and Myinfo userinfo), not ${JSON.stringify(appType ?? '')}`);
}

/**
 * Login apps may ask for `user.identity name email mobileno`; Myinfo apps for Myinfo catalog
 * items. `openid` is always included.
 */
export function validateSingpassScopes(appType: SingpassAppType, scopes: string | readonly string[]): string[] {
  const list = typeof scopes === 'string' ? parseScopeString(scopes) : [...new Set(scopes.flatMap((s) => parseScopeString(s)))];
  const allowed = (s: string) => s === 'openid' || (appType === 'login' ? (LOGIN_APP_SCOPES as readonly string[]).includes(s) : getMyinfoItem(s) !== undefined);
  const wrong = list.filter((s) => !allowed(s));
  if (wrong.length > 0) {
    const hint =
      appType === 'login'
        ? `a Login app may request ${LOGIN_APP_SCOPES.join(', ')}`
        : 'a Myinfo app may request Myinfo items (see `sgid-provider singpass items` or the portal for the catalog)';
    throw problem('scopes', `scope${wrong.length > 1 ? 's' : ''} ${wrong.join(', ')} not allowed: ${hint}`);
  }
  return list.includes('openid') ? list : ['openid', ...list];
}

/** The JWKS as an object, checked per Singpass's rules and importable by node:crypto. */
export function validateJwks(jwks: unknown): { keys: JWK[] } {
  let value = jwks;
  if (typeof jwks === 'string') {
    try {
      value = JSON.parse(jwks);
    } catch (err) {
      throw problem('jwks', `the JWKS is not valid JSON (${(err as Error).message})`);
    }
  }
  const problems = rpJwksProblems(value).map((p) => ({ field: 'jwks' as const, message: `JWKS ${p.path ? `${p.path}: ` : ''}${p.message}` }));
  if (problems.length > 0) throw new SingpassClientInputError(problems);
  const keys = (value as { keys: JWK[] }).keys;
  keys.forEach((k, i) => {
    try {
      // A point that is not on its curve parses as JSON but cannot be used: refuse it now.
      createPublicKey({ key: { kty: k.kty, crv: k.crv, x: k.x, y: k.y } as JsonWebKey, format: 'jwk' });
    } catch {
      throw problem('jwks', `JWKS keys[${i}]: x and y are not a point on ${k.crv}`);
    }
  });
  // Only the public members Singpass defines are kept.
  return { keys: keys.map(({ kty, crv, x, y, kid, use, alg }) => ({ kty, crv, x, y, kid, use, ...(alg !== undefined ? { alg } : {}) })) };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** HTTPS, or plain HTTP to a loopback host (a JWKS served by an app on the same machine). */
export function validateJwksUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri.trim());
  } catch {
    throw problem('jwksUri', `JWKS URL "${uri}" is not an absolute URL (e.g. https://rp.example/.well-known/jwks.json)`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw problem('jwksUri', `JWKS URL "${uri}" must use https (plain http only for localhost, 127.0.0.1 or [::1])`);
  }
  if (url.username || url.password) throw problem('jwksUri', `JWKS URL "${uri}" must not contain credentials`);
  if (url.hash) throw problem('jwksUri', `JWKS URL "${uri}" must not contain a fragment`);
  return url.href;
}

export function validateLegacyProfile(profile: unknown): LegacyProfile {
  if (profile === undefined || profile === '') return 'direct';
  if ((LEGACY_PROFILES as readonly unknown[]).includes(profile)) return profile as LegacyProfile;
  throw problem('legacyProfile', `legacy profile must be ${LEGACY_PROFILES.map((p) => `"${p}"`).join(' or ')}, not ${JSON.stringify(profile)}`);
}

export function validateAcrValues(acr: string | readonly string[] | undefined): string[] {
  const list = acr === undefined ? [] : typeof acr === 'string' ? parseScopeString(acr) : [...new Set(acr.flatMap((a) => parseScopeString(a)))];
  const wrong = list.filter((a) => !(SINGPASS_REQUESTABLE_ACR as readonly string[]).includes(a));
  if (wrong.length > 0) {
    throw problem('acrValues', `acr value${wrong.length > 1 ? 's' : ''} ${wrong.join(', ')} cannot be whitelisted: use ${SINGPASS_REQUESTABLE_ACR.join(' or ')}`);
  }
  return list;
}

function idProblem(id: string): string | undefined {
  return SINGPASS_CLIENT_ID_PATTERN.test(id) ? undefined : `client id "${id}" must be 32 letters and digits, like Singpass's`;
}

/** A Singpass client's fields once every one has been checked (everything but id and times). */
export type ValidSingpassClient = Omit<SingpassClientRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** Checks every field and reports every problem at once; needs no store. */
export function validateSingpassClientInput(input: SingpassClientInput, id?: string): ValidSingpassClient {
  const keySources = [input.jwks, input.jwksUri].filter((k) => k !== undefined && k !== '').length;
  const [name, description, appType, scopes, redirectUris, jwks, jwksUri, legacyProfile, acrValues] = checkAll([
    () => validateName(input.name),
    () => validateDescription(input.description),
    () => validateAppType(input.appType),
    // Judged against the app type when that is valid (its own problem is reported above).
    () => (input.appType === 'login' || input.appType === 'myinfo' ? validateSingpassScopes(input.appType, input.scopes) : []),
    () => validateRedirectUris(input.redirectUris),
    () => (input.jwks !== undefined && input.jwks !== '' ? validateJwks(input.jwks) : undefined),
    () => (input.jwksUri !== undefined && input.jwksUri !== '' ? validateJwksUri(input.jwksUri) : undefined),
    () => validateLegacyProfile(input.legacyProfile),
    () => validateAcrValues(input.acrValues),
    () => {
      if (keySources === 0) throw problem('jwks', 'the client\'s public keys are required: a JWKS URL or an inline JWKS');
      if (keySources === 2) throw problem('jwks', 'give a JWKS URL or an inline JWKS, not both');
    },
    () => {
      const p = id !== undefined ? idProblem(id) : undefined;
      if (p !== undefined) throw problem('id', p);
    },
  ] as const);
  return {
    name,
    description,
    appType,
    scopes,
    redirectUris,
    ...(jwks !== undefined ? { jwks } : {}),
    ...(jwksUri !== undefined ? { jwksUri } : {}),
    legacyProfile,
    acrValues,
  };
}

/** Registers a Singpass client (no secret: it proves itself with its own keys). */
export async function createSingpassClient(store: Store, input: SingpassClientInput, id?: string): Promise<SingpassClientRecord> {
  const valid = validateSingpassClientInput(input, id);
  if (id !== undefined && (await store.getSingpassClient(id))) throw problem('id', `a Singpass client with id "${id}" already exists`);
  const now = Date.now();
  const record: SingpassClientRecord = { id: id ?? randomAlphanumeric(32), ...valid, createdAt: now, updatedAt: now };
  await store.putSingpassClient(record);
  return record;
}

/** Replaces every field (the portal's edit form sends them all); every problem at once, nothing changes on error. */
export async function updateSingpassClient(store: Store, id: string, input: SingpassClientInput): Promise<SingpassClientRecord> {
  const current = await store.getSingpassClient(id);
  if (!current) throw problem('id', `no Singpass client with id "${id}"`);
  const valid = validateSingpassClientInput(input);
  const next: SingpassClientRecord = { id, ...valid, createdAt: current.createdAt, updatedAt: Date.now() };
  await store.putSingpassClient(next);
  return next;
}

/** The registration as shown by `singpass clients list --json` and the portal. */
export function singpassClientView(c: SingpassClientRecord) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    appType: c.appType,
    scopes: c.scopes,
    redirectUris: c.redirectUris,
    ...(c.jwks ? { jwks: c.jwks } : {}),
    ...(c.jwksUri ? { jwksUri: c.jwksUri } : {}),
    legacyProfile: c.legacyProfile,
    acrValues: c.acrValues,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}
