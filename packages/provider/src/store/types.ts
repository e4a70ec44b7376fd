/**
 * The one storage interface of the provider. Two kinds of records:
 * - durable: clients, signing keys, extra personas, settings — kept until deleted;
 * - short-lived: logins in flight, codes, access tokens — each with a TTL, and an atomic
 *   consume-once so that exactly one of N concurrent redemptions of a code wins.
 * Every adapter (memory, sqlite, postgres+redis) passes the same conformance suite.
 */
import type { JWK } from 'jose';
import type { LegacyProfile, SingpassAppType } from 'sgid-protocol';

export interface ClientRecord {
  id: string;
  /** `sha256:<base64url>` of the secret; the secret itself is never stored. */
  secretHash: string;
  name: string;
  description: string;
  /** The most this client may request. */
  scopes: string[];
  /** Exact strings; matched byte for byte. */
  redirectUris: string[];
  /** The client's RSA public key, SPKI PEM. The private key is never stored. */
  publicKey: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * A Singpass relying party (FAPI 2.0 and the legacy flow). It authenticates with
 * `private_key_jwt`, so the provider keeps its public keys (or where to fetch them) and no
 * secret at all.
 */
export interface SingpassClientRecord {
  /** 32 alphanumerics, like Singpass's. */
  id: string;
  name: string;
  description: string;
  /** Login apps get the ID token only (and must send authentication_context_type); Myinfo apps also userinfo. */
  appType: SingpassAppType;
  /** The most this client may request, `openid` included. */
  scopes: string[];
  /** Exact strings; matched byte for byte. */
  redirectUris: string[];
  /** The client's public JWKS, inline (validated at registration) — or `jwksUri`, never both. */
  jwks?: { keys: JWK[] };
  /** Where the client publishes its JWKS (fetched with a 3 s timeout, cached for an hour). */
  jwksUri?: string;
  /** The legacy flow's ID token shape for this client. */
  legacyProfile: LegacyProfile;
  /** `acr_values` the client is allowed to ask for at PAR (Singpass whitelists them per app). */
  acrValues: string[];
  createdAt: number;
  updatedAt: number;
}

export type SigningKeyStatus = 'next' | 'active' | 'retired';

/**
 * Which provider key set a key belongs to: sgID's RS256 ID-token keys (`sgid`, the default for
 * records written before there were families), Singpass's ES256 signing keys (`singpass`), and
 * the encryption key Singpass publishes beside them (`singpass-enc`).
 */
export type KeyFamily = 'sgid' | 'singpass' | 'singpass-enc';

export interface SigningKeyRecord {
  kid: string;
  /** Absent: `sgid`. */
  family?: KeyFamily;
  /** Private JWK (RS256, ES256 or ECDH-ES). Provider keys must be kept; client keys never are. */
  privateJwk: JWK;
  /** next: published, not yet signing; active: signing; retired: published until tokens expire. */
  status: SigningKeyStatus;
  createdAt: number;
  /** When a `next` key becomes `active` (ms epoch). */
  activateAt?: number;
  /** When a `retired` key leaves the JWKS (ms epoch). */
  removeAt?: number;
}

/** A persona added from a JSON file or the portal (built-in personas live in code). */
export interface PersonaRecord {
  id: string;
  /** The persona as validated JSON (see wallet/personas). */
  data: unknown;
  createdAt: number;
}

/**
 * Kinds of short-lived records. `login-request`: the newest login of an authorize request (its
 * id), so that opening the same request again supersedes the older one. `portal-session`: a signed-in portal session (signing out deletes
 * it); `portal-result`: credentials waiting to be shown once after a portal action, encrypted
 * to a key that only the browser holds; `portal-form`: a refused portal form, shown again by the
 * page its POST redirects to.
 * `inspect`: the login inspector's step records (lists, one per client); `conformance`:
 * relying-party conformance runs, their steps and observations.
 */
export type EphemeralKind =
  | 'login'
  | 'login-request'
  | 'code'
  | 'token'
  | 'used-code'
  | 'rate'
  | 'portal-session'
  | 'portal-result'
  | 'portal-form'
  // Singpass: pushed requests (request_uri), codes, access tokens, redeemed-code markers, and
  // the replay cache of client assertion and DPoP proof `jti`s.
  | 'sp-request'
  | 'sp-code'
  | 'sp-token'
  | 'sp-used-code'
  | 'replay'
  | 'inspect'
  | 'conformance';

export interface DurableStore {
  getClient(id: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;
  /** Insert or replace. */
  putClient(client: ClientRecord): Promise<void>;
  deleteClient(id: string): Promise<boolean>;

  getSingpassClient(id: string): Promise<SingpassClientRecord | undefined>;
  listSingpassClients(): Promise<SingpassClientRecord[]>;
  /** Insert or replace. */
  putSingpassClient(client: SingpassClientRecord): Promise<void>;
  deleteSingpassClient(id: string): Promise<boolean>;

  listKeys(): Promise<SigningKeyRecord[]>;
  /** Insert or replace. */
  putKey(key: SigningKeyRecord): Promise<void>;
  deleteKey(kid: string): Promise<boolean>;

  listPersonas(): Promise<PersonaRecord[]>;
  putPersona(persona: PersonaRecord): Promise<void>;
  deletePersona(id: string): Promise<boolean>;

  getSetting(name: string): Promise<string | undefined>;
  /**
   * Sets `name` to `value` unless it is set already, and returns the value that is set now:
   * several processes starting at once agree on one value.
   */
  initSetting(name: string, value: string): Promise<string>;
}

export interface EphemeralStore {
  /** Stores `value` (JSON-serialisable) under (kind, key) for `ttlMs`, replacing any earlier one. */
  put(kind: EphemeralKind, key: string, value: unknown, ttlMs: number): Promise<void>;
  /** The value, or undefined when absent or expired. */
  get<T>(kind: EphemeralKind, key: string): Promise<T | undefined>;
  /** Atomically reads and deletes: of N concurrent callers, exactly one gets the value. */
  consume<T>(kind: EphemeralKind, key: string): Promise<T | undefined>;
  delete(kind: EphemeralKind, key: string): Promise<void>;
  /**
   * Adds 1 to a counter that expires `ttlMs` after its first increment; returns the new count
   * (used for brute-force protection).
   */
  increment(kind: EphemeralKind, key: string, ttlMs: number): Promise<number>;
  /**
   * Appends values to short-lived lists, all of them in one round trip (one transaction or
   * pipeline). Each value expires `ttlMs` after its append; a list keeps its newest
   * `maxLength` values. Appends from several processes interleave and none is lost.
   */
  appendToLists(appends: readonly ListAppend[]): Promise<void>;
  /** The live values of each list, oldest first ([] for an absent list), in one round trip. */
  readLists<T>(kind: EphemeralKind, keys: readonly string[]): Promise<T[][]>;
}

/** One list append of {@link EphemeralStore.appendToLists}. */
export interface ListAppend {
  kind: EphemeralKind;
  key: string;
  /** JSON-serialisable values, appended in this order. */
  values: readonly unknown[];
  /** How long each of these values lives. */
  ttlMs: number;
  /** The list keeps its newest `maxLength` values (older ones are dropped). */
  maxLength: number;
}

export interface Store extends DurableStore, EphemeralStore {
  /** A short name for logs and /readyz, e.g. "sqlite:/path/db". */
  readonly description: string;
  /** Throws when a backing service cannot be reached (used by /readyz). */
  ping(): Promise<void>;
  /** Removes expired short-lived records (adapters with native TTLs may do nothing). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by adapters when a backing service is unreachable; answered 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
