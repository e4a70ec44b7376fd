/** The relay's endpoints: thin handlers over the steps in this folder. */
import type { FastifyInstance } from 'fastify';
import { PATHS } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { inspected } from '../inspector/step.js';
import { JWKS_MAX_AGE } from '../keys/key-ring.js';
import { authorizePage } from '../views/authorize-page.js';
import { walletPendingPage } from '../views/pending-page.js';
import { authorize } from './authorize.js';
import { checkFormBody } from './checks.js';
import type { Params } from './checks.js';
import { discoveryDocument } from './discovery.js';
import { loginStatus } from '../login/states.js';
import { continueLogin } from './continue.js';
import { exchangeCode } from './token.js';
import { userinfo } from './userinfo.js';

type Q = { Querystring: Params; Params: { login: string } };

export function relayRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  const discovery = JSON.stringify(discoveryDocument(ctx.config));
  const o = ctx.config.publicUrl;

  app.get(PATHS.discovery, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=3600').type('application/json');
    return discovery;
  });

  app.get(PATHS.jwks, async (_req, reply) => {
    // Short enough that a rotated-in key is seen well before it signs (--key-rotation-delay).
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE}`).type('application/json');
    return ctx.keys.jwks();
  });

  app.get<Q>(PATHS.authorize, { config: { errorFormat: 'page' } }, async (req, reply) => {
    const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    const outcome = await inspected(ctx, { protocol: 'sgid', step: 'authorize' }, (s) => authorize(ctx, req.query, rawQuery, s));
    if (outcome.kind === 'redirect') return reply.redirect(outcome.location, 302);
    const { login, pollToken, client } = outcome;
    const t = encodeURIComponent(pollToken);
    reply.type('text/html; charset=utf-8');
    return authorizePage({
      clientName: client.name,
      walletUrl: `${o}/wallet/${login.id}`,
      statusUrl: `${PATHS.authorize}/${login.id}/status?t=${t}`,
      continueUrl: `${PATHS.authorize}/${login.id}/continue?t=${t}`,
      restartUrl: `${PATHS.authorize}?${rawQuery}`,
      expiresAt: login.expiresAt,
      now: ctx.now(),
    });
  });

  app.get<Q>(`${PATHS.authorize}/:login/status`, async (req, reply) => {
    const t = req.query['t'];
    reply.header('cache-control', 'no-store');
    return { status: await loginStatus(ctx, req.params.login, Array.isArray(t) ? undefined : t) };
  });

  app.get<Q>(`${PATHS.authorize}/:login/continue`, { config: { errorFormat: 'page' } }, async (req, reply) => {
    const t = req.query['t'];
    const location = await continueLogin(ctx, req.params.login, Array.isArray(t) ? undefined : t);
    if (location) return reply.redirect(location, 302);
    reply.type('text/html; charset=utf-8');
    return walletPendingPage(req.url);
  });

  app.post(PATHS.token, async (req) =>
    inspected(ctx, { protocol: 'sgid', step: 'token' }, (s) =>
      exchangeCode(ctx, s.check('params', () => checkFormBody(req.body, req.headers['content-type'])), req.headers.authorization, s),
    ),
  );

  const userinfoHandler = async (req: { headers: { authorization?: string | string[] }; query: unknown }) =>
    inspected(ctx, { protocol: 'sgid', step: 'userinfo' }, (s) => userinfo(ctx, req.headers.authorization, (req.query ?? {}) as Params, s));
  app.get(PATHS.userinfo, { config: { errorFormat: 'bearer' } }, userinfoHandler);
  app.post(PATHS.userinfo, { config: { errorFormat: 'bearer' } }, userinfoHandler);
}
