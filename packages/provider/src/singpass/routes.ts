/**
 * Singpass Login's endpoints at each of its issuers: FAPI 2.0 at /fapi and MockPass's
 * /singpass/v3/fapi (fapi/), the legacy NDI OIDC flow at the origin and MockPass's /singpass/v2
 * (legacy/) — thin handlers over their steps. PAR and token errors are JSON without
 * WWW-Authenticate (openid-client 6 reads the OAuth error only then); userinfo errors carry a
 * DPoP (FAPI) or Bearer (legacy) challenge; authorize answers with a page until it can redirect.
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
import { authorizeLegacy } from './legacy/authorize.js';
import { legacyDiscovery } from './legacy/discovery.js';
import { exchangeLegacyCode } from './legacy/token.js';
import { legacyUserinfo } from './legacy/userinfo.js';
import type { Mount } from './mounts.js';
import type { RpKeyStoreOptions } from './rp-keys.js';

type Q = { Querystring: Params; Params: { login: string } };

const PAGE = { config: { errorFormat: 'page' as const } };
const DPOP = { config: { errorFormat: 'dpop' as const } };
const BEARER = { config: { errorFormat: 'bearer' as const } };

/** PAR and token take forms only (a JSON body is what the sgID token endpoint tolerates for an old SDK, not Singpass). */
function formOf(req: FastifyRequest): Params {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw invalidRequest(`content type "${type || '(none)'}" is not accepted: send application/x-www-form-urlencoded`, false);
  }
  return checkFormBody(req.body, type);
}

const noStoreJson = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** What both generations serve alike: discovery, the JWKS, and the QR page's status and continue. */
function commonRoutes(app: FastifyInstance, sp: SingpassContext, mount: Mount, discovery: string, discoveryMaxAge: number): void {
  const base = mount.base;
  app.get(`${base}/.well-known/openid-configuration`, async (_req, reply) => {
    reply.header('cache-control', `public, max-age=${discoveryMaxAge}`).type('application/json');
    return discovery;
  });

  app.get(`${base}/.well-known/keys`, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300').type('application/json');
    return sp.ctx.keys.singpassJwks();
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
}

function fapiRoutes(app: FastifyInstance, sp: SingpassContext, mount: Mount): void {
  const base = mount.base;
  commonRoutes(app, sp, mount, JSON.stringify(fapiDiscovery(mount)), 3600);

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

/** The legacy NDI OIDC flow: every authorize parameter in the query, Bearer tokens, no DPoP. */
function legacyRoutes(app: FastifyInstance, sp: SingpassContext, mount: Mount): void {
  const base = mount.base;
  // Singpass serves its legacy discovery document with a 6-hour max-age.
  commonRoutes(app, sp, mount, JSON.stringify(legacyDiscovery(mount)), 21600);

  app.get<Q>(`${base}/auth`, PAGE, async (req, reply) => {
    const outcome = await authorizeLegacy(sp, mount, req.query);
    if (outcome.kind === 'redirect') return reply.redirect(outcome.location, 302);
    const { login, pollToken, client } = outcome;
    const t = encodeURIComponent(pollToken);
    const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    reply.type('text/html; charset=utf-8');
    return authorizePage({
      clientName: client.name,
      walletUrl: `${sp.ctx.config.publicUrl}/wallet/${login.id}`,
      statusUrl: `${base}/auth/${login.id}/status?t=${t}`,
      continueUrl: `${base}/auth/${login.id}/continue?t=${t}`,
      restartUrl: `${base}/auth?${rawQuery}`,
      service: 'Singpass',
      expiresAt: login.expiresAt,
      now: sp.ctx.now(),
    });
  });

  app.post(`${base}/token`, async (req, reply) => {
    const body = await exchangeLegacyCode(sp, mount, formOf(req));
    noStoreJson(reply);
    return body;
  });

  const userinfo = async (req: FastifyRequest, reply: FastifyReply) => {
    const jwe = await legacyUserinfo(sp, mount, req.headers.authorization, (req.query ?? {}) as Record<string, unknown>);
    noStoreJson(reply).type('application/jwt');
    return jwe;
  };
  app.get(`${base}/userinfo`, BEARER, userinfo);
  app.post(`${base}/userinfo`, BEARER, userinfo);
}

export function singpassRoutes(app: FastifyInstance, ctx: ProviderContext, rpKeyOptions: RpKeyStoreOptions = {}): SingpassContext {
  const sp = singpassContext(ctx, rpKeyOptions);
  for (const mount of sp.mounts) {
    if (mount.generation === 'fapi') fapiRoutes(app, sp, mount);
    else legacyRoutes(app, sp, mount);
  }
  return sp;
}
