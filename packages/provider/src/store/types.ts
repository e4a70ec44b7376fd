/**
 * The one storage interface of the provider. Two kinds of records:
 * - durable: clients, signing keys, extra personas, settings — kept until deleted;
 * - short-lived: logins in flight, codes, access tokens — each with a TTL, and an atomic
 *   consume-once so that exactly one of N concurrent redemptions of a code wins.
 * Every adapter (memory, sqlite, postgres+redis) passes the same conformance suite.
 */
import type { JWK } from 'jose';

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

export type SigningKeyStatus = 'next' | 'active' | 'retired';

export interface SigningKeyRecord {
  kid: string;
  /** Private JWK (RS256). Provider keys must be kept; client keys never are. */
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

/** Kinds of short-lived records. */
export type EphemeralKind = 'login' | 'code' | 'token' | 'used-code' | 'rate';

export interface DurableStore {
  getClient(id: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;
  /** Insert or replace. */
  putClient(client: ClientRecord): Promise<void>;
  deleteClient(id: string): Promise<boolean>;

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
