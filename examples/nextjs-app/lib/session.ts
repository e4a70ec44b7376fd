/**
 * The app's own sessions: an in-memory Map keyed by a random id in an HttpOnly, SameSite=Lax
 * cookie — as the docs' Next.js guide keeps them. One `next start` process serves every route, so
 * the Map lives on `globalThis`, where route handlers, pages and server actions (bundled
 * separately) all find the same one. A real app would use its usual session store.
 * The SDK's login cookie covers only the login itself.
 */
import { randomBytes } from 'node:crypto';
import { cookies } from 'next/headers';
import type { FlavourId } from './flavours';

export interface Session {
  /** The user's pairwise sgID identifier at this client. */
  sub: string;
  /** The decrypted data, scope → string. */
  data: Record<string, string>;
  flavour: FlavourId;
  expiresAt: number;
}

export const SESSION_COOKIE = 'icecream_session';
export const SESSION_SECONDS = 3600;

const holder = globalThis as typeof globalThis & { __icecreamSessions?: Map<string, Session> };
const sessions = (holder.__icecreamSessions ??= new Map<string, Session>());

export function createSession(value: Omit<Session, 'expiresAt'>): string {
  const now = Date.now();
  for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
  const id = randomBytes(32).toString('base64url');
  sessions.set(id, { ...value, expiresAt: now + SESSION_SECONDS * 1000 });
  return id;
}

export function getSession(id: string | undefined): Session | undefined {
  if (!id) return undefined;
  const session = sessions.get(id);
  if (session && session.expiresAt > Date.now()) return session;
  sessions.delete(id);
  return undefined;
}

export function deleteSession(id: string | undefined): void {
  if (id) sessions.delete(id);
}

/** The `Set-Cookie` value for a session id (an empty id and 0 s delete it). */
export function sessionCookie(id: string, maxAge: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The session of the request being rendered (pages and server actions). */
export async function currentSession(): Promise<Session | undefined> {
  return getSession((await cookies()).get(SESSION_COOKIE)?.value);
}
