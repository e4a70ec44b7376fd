/**
 * The states of a login in flight and the only ways between them:
 *   startLogin → pending → (answerLogin) approved | declined → (takeAnswer) finished
 *   pending → (startLogin of the same authorize request) superseded
 * and `expired` whenever the record has outlived its TTL. The browser that started the login
 * holds a poll secret; the wallet (any device that scanned the QR code) holds only the id.
 * A finished or superseded login keeps its record (without the grant) so that every page can
 * say what actually happened.
 */
import { loginExpired, notFound, invalidRequest } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { randomToken, storageKey } from '../util/secrets.js';
import type { Grant, LoginRecord, LoginStatus, SingpassGrant } from './records.js';

/** Login ids are 16 random bytes (22 characters); anything much longer is not one. */
const MAX_ID_LENGTH = 64;

/**
 * The authorize request a login answers, as a store key: the same request opened again (the QR
 * page reloaded, or opened in a second tab) gets the same key. The PKCE challenge makes it
 * unique to one attempt of one relying party's login.
 */
function requestKey(fields: Pick<LoginRecord, 'clientId' | 'redirectUri' | 'codeChallenge' | 'scopes' | 'state' | 'nonce' | 'singpass'>): string {
  return storageKey(
    JSON.stringify([fields.singpass?.mount ?? 'sgid', fields.clientId, fields.redirectUri, fields.codeChallenge, fields.scopes, fields.state ?? null, fields.nonce ?? null]),
  );
}

/**
 * Stores a new pending login; returns it with the poll secret that only its browser gets.
 * A still pending login of the same authorize request is superseded: its QR code is no longer
 * on any screen, so the wallet must not tell a person who scans it that the browser goes on.
 */
export async function startLogin(
  ctx: ProviderContext,
  fields: Omit<LoginRecord, 'id' | 'pollHash' | 'status' | 'expiresAt' | 'grant' | 'singpassGrant' | 'answered'>,
): Promise<{ login: LoginRecord; pollToken: string }> {
  const pollToken = randomToken(24);
  const ttlMs = ctx.config.loginTtl * 1000;
  const login: LoginRecord = {
    ...fields,
    id: randomToken(16),
    pollHash: storageKey(pollToken),
    status: 'pending',
    expiresAt: ctx.now() + ttlMs,
  };
  await ctx.store.put('login', login.id, login, ttlMs);
  const key = requestKey(login);
  const previous = await ctx.store.get<string>('login-request', key);
  await ctx.store.put('login-request', key, login.id, ttlMs);
  if (previous !== undefined && previous !== login.id) await supersede(ctx, previous);
  return { login, pollToken };
}

/** Marks a pending login superseded, unless the wallet's answer got there first. */
async function supersede(ctx: ProviderContext, id: string): Promise<void> {
  const old = await ctx.store.get<LoginRecord>('login', id);
  if (!old || old.status !== 'pending') return;
  const remaining = old.expiresAt - ctx.now();
  if (remaining <= 0) return;
  // The same once-only claim as an answer's: either the wallet answers or this supersedes.
  if (!(await claimAnswer(ctx, old.id, remaining))) return;
  await ctx.store.put('login', old.id, { ...old, status: 'superseded' }, remaining);
}

/** The first caller for a login wins (an answer, or superseding it); every later one loses. */
async function claimAnswer(ctx: ProviderContext, id: string, remainingMs: number): Promise<boolean> {
  return (await ctx.store.increment('rate', `wallet-answer:${id}`, remainingMs)) === 1;
}

/** The login as the wallet sees it (by id alone), or undefined when unknown or expired. */
export async function loadLogin(ctx: ProviderContext, id: string): Promise<LoginRecord | undefined> {
  return id.length <= MAX_ID_LENGTH ? ctx.store.get<LoginRecord>('login', id) : undefined;
}

/** The login as its browser sees it: the poll secret must match. Undefined when expired. */
async function loadForBrowser(ctx: ProviderContext, id: string, pollToken: string | undefined): Promise<LoginRecord | undefined> {
  if (!pollToken) throw invalidRequest('missing "t": open the sign-in page again', false);
  const login = await loadLogin(ctx, id);
  if (login && login.pollHash !== storageKey(pollToken)) throw notFound('no such login for this browser');
  return login;
}

export async function loginStatus(ctx: ProviderContext, id: string, pollToken: string | undefined): Promise<LoginStatus> {
  const login = await loadForBrowser(ctx, id, pollToken);
  return login ? login.status : 'expired';
}

export type Answer = { status: 'approved'; grant: Grant } | { status: 'approved'; singpassGrant: SingpassGrant } | { status: 'declined' };

/**
 * Records the wallet's answer. Only the first answer counts, even when two taps arrive at
 * once; 'already-answered' when the login was answered (or superseded) before, 'expired' when
 * it has run out. The login stays in the store meanwhile: taking it out would make the browser
 * polling it read "expired".
 */
export async function answerLogin(ctx: ProviderContext, login: LoginRecord, answer: Answer): Promise<'answered' | 'already-answered' | 'expired'> {
  if (login.status !== 'pending') return 'already-answered';
  const remaining = login.expiresAt - ctx.now();
  if (remaining <= 0) return 'expired';
  if (!(await claimAnswer(ctx, login.id, remaining))) return 'already-answered';
  await ctx.store.put('login', login.id, { ...login, ...answer }, remaining);
  return 'answered';
}

/**
 * The answer, delivered once to the browser that started the login: the login record with its
 * grant, or null while the person has not answered yet. The record then stays as `finished`
 * (without the grant) for a login's lifetime, so that the wallet can say it is done.
 */
export async function takeAnswer(
  ctx: ProviderContext,
  id: string,
  pollToken: string | undefined,
  protocol: 'sgid' | 'singpass' = 'sgid',
): Promise<LoginRecord | null> {
  const login = await loadForBrowser(ctx, id, pollToken);
  if (!login) throw loginExpired('This sign-in request has expired. Go back to the app and start again.');
  // An sgID login's answer is collected from the sgID page only, a Singpass one from Singpass's.
  if ((login.singpass !== undefined) !== (protocol === 'singpass')) throw notFound('no such login here');
  if (login.status === 'pending') return null;
  if (login.status === 'superseded') throw loginExpired(SUPERSEDED);
  if (login.status === 'finished') throw loginExpired(FINISHED);
  // Consume: the answer is delivered once, even if the browser continues twice at once.
  const taken = await ctx.store.consume<LoginRecord>('login', id);
  if (!taken) throw loginExpired(FINISHED);
  const ttlMs = ctx.config.loginTtl * 1000;
  if (taken.status !== 'approved' && taken.status !== 'declined') {
    // Another continue finished it between the read and the consume: put it back as it was.
    await ctx.store.put('login', id, taken, Math.max(1, taken.expiresAt - ctx.now()));
    throw loginExpired(FINISHED);
  }
  const { grant: _grant, singpassGrant: _singpassGrant, ...rest } = taken;
  const finished: LoginRecord = { ...rest, status: 'finished', answered: taken.status, expiresAt: ctx.now() + ttlMs };
  await ctx.store.put('login', id, finished, ttlMs);
  return taken;
}

const FINISHED = 'This sign-in request was already completed. Go back to the app and start again if you need to log in again.';
const SUPERSEDED = 'This QR code was replaced by a newer one (the sign-in page was reloaded or opened again). Use the newest sign-in page, or go back to the app and start again.';
