/**
 * Singpass Login's endpoints, mounted at each of its issuers (FAPI 2.0 at /fapi and MockPass's
 * /singpass/v3/fapi): thin handlers over the steps in fapi/. PAR and token errors are JSON
 * without WWW-Authenticate (openid-client 6 reads the OAuth error only then); userinfo errors
 * carry a DPoP challenge; the authorize endpoint answers with a page until it can redirect.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidRequest } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { loginStatus } from '../login/states.js';
import type { Params } from '../oauth/params.js';
import { checkFormBody } from '../oauth/params.js';
import { authorizePage } from '../views/authorize-page.js';
import { walletPendingPage } from '../views/pending-page.js';
import type { SingpassContext } from './context.js';
import { singpassContext } from './context.js';
import { continueSingpassLogin } from './continue.js';
import { authorizeFapi } from './fapi/authorize.js';
import { fapiDiscovery } from './fapi/discovery.js';
import { pushAuthorizationRequest } from './fapi/par.js';
import { exchangeFapiCode } from './fapi/token.js';
import { fapiUserinfo } from './fapi/userinfo.js';
import type { Mount } from './mounts.js';
import type { RpKeyStoreOptions } from './rp-keys.js';

type Q = { Querystring: Params; Params: { login: string } };

const PAGE = { config: { errorFormat: 'page' as const } };
const DPOP = { config: { errorFormat: 'dpop' as const } };

/** PAR and token take forms only (a JSON body is what the sgID token endpoint tolerates for an old SDK, not Singpass). */
function formOf(req: FastifyRequest): Params {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw invalidRequest(`content type "${type || '(none)'}" is not accepted: send application/x-www-form-urlencoded`, false);
  }
  return checkFormBody(req.body, type);
}

const noStoreJson = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

function fapiRoutes(app: FastifyInstance, sp: SingpassContext, mount: Mount): void {
  const discovery = JSON.stringify(fapiDiscovery(mount));
  const base = mount.base;

  app.get(`${base}/.well-known/openid-configuration`, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=3600').type('application/json');
    return discovery;
  });

  app.get(`${base}/.well-known/keys`, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300').type('application/json');
    return sp.ctx.keys.singpassJwks();
  });

  app.post(`${base}/par`, async (req, reply) => {
    const body = await pushAuthorizationRequest(sp, mount, formOf(req), req.headers['dpop']);
    noStoreJson(reply).code(201);
    return body;
  });

  app.get<Q>(`${base}/auth`, PAGE, async (req, reply) => {
    const outcome = await authorizeFapi(sp, mount, req.query);
    if (outcome.kind === 'redirect') return reply.redirect(outcome.location, 302);
    const { login, pollToken, client, cancelUrl } = outcome;
    const t = encodeURIComponent(pollToken);
    reply.type('text/html; charset=utf-8');
    return authorizePage({
      clientName: client.name,
      walletUrl: `${sp.ctx.config.publicUrl}/wallet/${login.id}`,
      statusUrl: `${base}/auth/${login.id}/status?t=${t}`,
      continueUrl: `${base}/auth/${login.id}/continue?t=${t}`,
      restartUrl: cancelUrl,
      restartLabel: `Back to ${client.name}`,
      service: 'Singpass',
      expiresAt: login.expiresAt,
      now: sp.ctx.now(),
    });
  });

  app.get<Q>(`${base}/auth/:login/status`, async (req, reply) => {
    const t = req.query['t'];
    reply.header('cache-control', 'no-store');
    return { status: await loginStatus(sp.ctx, req.params.login, Array.isArray(t) ? undefined : t) };
  });

  app.get<Q>(`${base}/auth/:login/continue`, PAGE, async (req, reply) => {
    const t = req.query['t'];
    const location = await continueSingpassLogin(sp, mount, req.params.login, Array.isArray(t) ? undefined : t);
    if (location) return reply.redirect(location, 302);
    reply.type('text/html; charset=utf-8');
    return walletPendingPage(req.url);
  });

  app.post(`${base}/token`, async (req, reply) => {
    const body = await exchangeFapiCode(sp, mount, formOf(req), req.headers['dpop']);
    noStoreJson(reply);
    return body;
  });

  const userinfo = async (req: FastifyRequest, reply: FastifyReply) => {
    const jwe = await fapiUserinfo(sp, mount, req.method === 'POST' ? 'POST' : 'GET', req.headers.authorization, req.headers['dpop'], (req.query ?? {}) as Record<string, unknown>);
    noStoreJson(reply).type('application/jwt');
    return jwe;
  };
  app.get(`${base}/userinfo`, DPOP, userinfo);
  app.post(`${base}/userinfo`, DPOP, userinfo);
}

export function singpassRoutes(app: FastifyInstance, ctx: ProviderContext, rpKeyOptions: RpKeyStoreOptions = {}): SingpassContext {
  const sp = singpassContext(ctx, rpKeyOptions);
  for (const mount of sp.mounts) {
    if (mount.generation === 'fapi') fapiRoutes(app, sp, mount);
  }
  return sp;
}
