/**
 * The login inspector in the portal: GET /portal/logins (all clients, or ?client_id=), the
 * same timeline as a fragment for the page's live updates (/portal/logins/live, with an ETag
 * so that an unchanged timeline costs a 304), and as JSON (/portal/api/logins). Registered
 * inside the portal plugin, so its admin-token and CSRF hooks apply.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProviderContext } from '../context.js';
import { readLogins } from '../inspector/read.js';
import { loginsPage, loginsTimeline } from '../views/inspector-pages.js';
import type { PortalChrome } from '../views/portal-pages.js';

type Query = { Querystring: Record<string, string | string[] | undefined> };

const HTML = 'text/html; charset=utf-8';
const MAX_LIMIT = 200;

/** `?client_id=` (absent or empty: every client), or a problem with it. */
function clientIdOf(q: Query['Querystring']): { clientId?: string; problem?: string } {
  const v = q['client_id'];
  if (v === undefined || v === '') return {};
  if (Array.isArray(v)) return { problem: 'client_id was sent more than once' };
  if (v.length > 256) return { problem: 'client_id is too long' };
  return { clientId: v };
}

function limitOf(q: Query['Querystring']): { limit: number; problem?: string } {
  const v = q['limit'];
  if (v === undefined) return { limit: 50 };
  if (typeof v !== 'string' || !/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > MAX_LIMIT) {
    return { limit: 50, problem: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
  }
  return { limit: Number(v) };
}

export function inspectorRoutes(portal: FastifyInstance, ctx: ProviderContext, chromeOf: (req: FastifyRequest) => PortalChrome): void {
  const retentionSeconds = Math.round(ctx.inspector.retentionMs / 1000);
  const recording = ctx.inspector.enabled;

  /** This process's queued records first, so that what it just answered is in the view. */
  const load = async (clientId: string | undefined, limit = 50) => {
    await ctx.inspector.flush();
    const [logins, clients] = await Promise.all([
      readLogins(ctx.store, { ...(clientId !== undefined ? { clientId } : {}), limit }),
      ctx.store.listClients(),
    ]);
    return { logins, clients: clients.map((c) => ({ id: c.id, name: c.name })) };
  };

  const badQuery = (reply: FastifyReply, problem: string) =>
    reply.code(400).type('application/json').send({ error: 'invalid_request', error_description: problem });

  portal.get<Query>('/logins', { config: { errorFormat: 'page' } }, async (req, reply) => {
    const { clientId, problem } = clientIdOf(req.query);
    if (problem) return reply.redirect('/portal/logins', 303);
    const { logins, clients } = await load(clientId);
    return reply
      .type(HTML)
      .send(loginsPage(chromeOf(req), { ...(clientId !== undefined ? { clientId } : {}), clients, logins, retentionSeconds, recording }));
  });

  portal.get<Query>('/logins/live', async (req, reply) => {
    const { clientId, problem } = clientIdOf(req.query);
    if (problem) return badQuery(reply, problem);
    const { logins, clients } = await load(clientId);
    const body = loginsTimeline({ ...(clientId !== undefined ? { clientId } : {}), logins, clients, recording });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    reply.header('etag', etag).header('cache-control', 'no-store');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(HTML).send(body);
  });

  portal.get<Query>('/api/logins', async (req, reply) => {
    const { clientId, problem } = clientIdOf(req.query);
    const { limit, problem: limitProblem } = limitOf(req.query);
    if (problem || limitProblem) return badQuery(reply, (problem ?? limitProblem)!);
    const { logins } = await load(clientId, limit);
    return reply.type('application/json').send({ clientId: clientId ?? null, recording, retentionSeconds, logins });
  });
}
