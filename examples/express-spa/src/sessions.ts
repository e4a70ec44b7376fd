/**
 * The demo's own sessions: an in-memory Map keyed by a random id that lives in an HttpOnly,
 * SameSite=Lax cookie. Enough for a demo on one process; a real app would use its usual session
 * store (Redis, a database) — the SDK's login cookie only covers the login itself.
 */
import { randomBytes } from 'node:crypto';
import type { FlavourId } from './flavours.js';

export interface DemoSession {
  /** The user's pairwise sgID identifier at this client. */
  sub: string;
  /** The decrypted data, scope → string. */
  data: Record<string, string>;
  flavour: FlavourId;
  expiresAt: number;
}

export const SESSION_COOKIE = 'icecream_session';

export class SessionStore {
  readonly #sessions = new Map<string, DemoSession>();

  constructor(readonly ttlSeconds = 3600) {}

  create(value: Omit<DemoSession, 'expiresAt'>): string {
    this.#sweep();
    const id = randomBytes(32).toString('base64url');
    this.#sessions.set(id, { ...value, expiresAt: Date.now() + this.ttlSeconds * 1000 });
    return id;
  }

  get(id: string | undefined): DemoSession | undefined {
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= Date.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  get size(): number {
    return this.#sessions.size;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(id);
  }
}
