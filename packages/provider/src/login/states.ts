/**
 * The states of a login in flight and the only ways between them:
 *   startLogin → pending → (answerLogin) approved | declined → (takeAnswer) gone
 * and `expired` whenever the record has outlived its TTL. The browser that started the login
 * holds a poll secret; the wallet (any device that scanned the QR code) holds only the id.
 */
import { loginExpired, notFound, invalidRequest } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { randomToken, storageKey } from '../util/secrets.js';
import type { Grant, LoginRecord, LoginStatus, SingpassGrant } from './records.js';

/** Login ids are 16 random bytes (22 characters); anything much longer is not one. */
const MAX_ID_LENGTH = 64;

/** Stores a new pending login; returns it with the poll secret that only its browser gets. */
export async function startLogin(
  ctx: ProviderContext,
  fields: Omit<LoginRecord, 'id' | 'pollHash' | 'status' | 'expiresAt' | 'grant' | 'singpassGrant'>,
): Promise<{ login: LoginRecord; pollToken: string }> {
  const pollToken = randomToken(24);
  const login: LoginRecord = {
    ...fields,
    id: randomToken(16),
    pollHash: storageKey(pollToken),
    status: 'pending',
    expiresAt: ctx.now() + ctx.config.loginTtl * 1000,
  };
  await ctx.store.put('login', login.id, login, ctx.config.loginTtl * 1000);
  return { login, pollToken };
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
 * once; false when the login was already answered or has expired. The login stays in the
 * store meanwhile: taking it out would make the browser polling it read "expired".
 */
export async function answerLogin(ctx: ProviderContext, login: LoginRecord, answer: Answer): Promise<'answered' | 'already-answered' | 'expired'> {
  if (login.status !== 'pending') return 'already-answered';
  const remaining = login.expiresAt - ctx.now();
  if (remaining <= 0) return 'expired';
  if ((await ctx.store.increment('rate', `wallet-answer:${login.id}`, remaining)) > 1) return 'already-answered';
  await ctx.store.put('login', login.id, { ...login, ...answer }, remaining);
  return 'answered';
}

/**
 * The answer, delivered once to the browser that started the login: the login record (now
 * out of the store) with its grant, or null while the person has not answered yet.
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
  // Consume: the answer is delivered once, even if the browser continues twice at once.
  const taken = await ctx.store.consume<LoginRecord>('login', id);
  if (!taken) throw loginExpired('This sign-in request was already completed or has expired. Go back to the app and start again.');
  return taken;
}
