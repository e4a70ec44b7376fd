/**
 * Who is calling PAR or the token endpoint: the client named by a `private_key_jwt` assertion,
 * verified against its own keys (fetched again, at most once a minute, when the assertion
 * names a kid the cached JWKS lacks), and whose `jti` is used for the first time.
 */
import { invalidClient } from 'sgid-protocol';
import type { Params } from '../oauth/params.js';
import type { SingpassClientRecord } from '../store/types.js';
import { UnknownKidError, readClientAssertion, verifyClientAssertion } from './checks/client-assertion.js';
import type { SingpassContext } from './context.js';
import type { Mount } from './mounts.js';
import { keysUnavailable } from './rp-keys.js';
import type { RpKeySet } from './rp-keys.js';

export interface AuthenticatedClient {
  client: SingpassClientRecord;
  keys: RpKeySet;
  /** The verified assertion's claims (the legacy token endpoint checks its optional `code`). */
  claims: Record<string, unknown>;
}

export async function authenticateSingpassClient(
  sp: SingpassContext,
  params: Params,
  mount: Mount,
  endpoint: 'par' | 'token',
): Promise<AuthenticatedClient> {
  const presented = readClientAssertion(params);
  const client = await sp.ctx.store.getSingpassClient(presented.clientId);
  if (!client) {
    throw invalidClient(`unknown client "${presented.clientId}" (the client_assertion's iss/sub): register it first (portal, or sgid-provider singpass clients create)`);
  }
  const now = sp.now();
  const skew = sp.lifetimes.clockSkew;
  const audiences = sp.ctx.config.singpassAssertionAud === 'issuer' ? [mount.issuer] : [mount.issuer, mount.url(endpoint)];
  let keys = await sp.rpKeys.keysFor(client).catch(keysUnavailable);
  const expect = () => ({ clientId: client.id, audiences, now, skew, source: keys.source });
  let verified;
  try {
    verified = verifyClientAssertion(presented, keys.signing, expect());
  } catch (err) {
    if (!(err instanceof UnknownKidError)) throw err;
    const fresh = await sp.rpKeys.refreshed(client).catch(keysUnavailable);
    if (!fresh) throw err;
    keys = fresh;
    verified = verifyClientAssertion(presented, keys.signing, expect());
  }
  // Remembered until the assertion could no longer be accepted anyway.
  const ttlMs = Math.max(1, verified.exp - now + skew) * 1000;
  if (!(await sp.replay.firstUse(`assertion\u0000${client.id}\u0000${verified.jti}`, ttlMs))) {
    throw invalidClient(`client_assertion "jti" ${JSON.stringify(verified.jti)} was used before: make a new assertion (new jti) for every request`);
  }
  return { client, keys, claims: presented.jws.payload };
}
