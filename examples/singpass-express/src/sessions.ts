/** The example's own sessions: in memory, by a random id in an HttpOnly cookie, 30 minutes. */
import { randomBytes } from 'node:crypto';
import type { PlainPerson, SubAttributes } from 'singpass-client';

export const SESSION_COOKIE = 'singpass_example_session';
const TTL_MS = 30 * 60_000;

/** Who logged in, and through which app. */
export interface ExampleUser {
  app: 'login' | 'myinfo';
  /** The user's UUID at Singpass. */
  sub: string;
  /** Login app: the ID token's sub_attributes. */
  attributes?: SubAttributes;
  /** Myinfo app: person_info as plain values. */
  person?: PlainPerson;
  acr?: string;
  amr: string[];
}

export class SessionStore {
  readonly #sessions = new Map<string, { user: ExampleUser; until: number }>();

  create(user: ExampleUser): string {
    const id = randomBytes(24).toString('base64url');
    this.#sessions.set(id, { user, until: Date.now() + TTL_MS });
    return id;
  }

  get(id: string | undefined): ExampleUser | undefined {
    if (!id) return undefined;
    const found = this.#sessions.get(id);
    if (!found || found.until < Date.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return found.user;
  }

  delete(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }
}
