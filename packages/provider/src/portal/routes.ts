/**
 * The developer portal under /portal: list, register (credentials shown once), edit, rotate
 * the secret or the key pair, delete; admin sign-in when an admin token is configured.
 *
 * Checks of every request, in order (hooks of this plugin, so no route can forget one):
 *   1. the browser's CSRF cookie exists (set when missing) and its form token is computed;
 *   2. with an admin token: a session cookie whose session is open in the store, else GET →
 *      sign-in page, POST → 401;
 *   3. for a POST: Origin (or Sec-Fetch-Site) says it came from the portal, and the form's CSRF
 *      token matches the cookie and the session — else 403 with a page that says so.
 * The handlers then read like the form: read → validate each field → act → render.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProviderContext } from '../context.js';
import type { ClientRecord } from '../store/types.js';
import {
  alreadyShownPage,
  clientHref,
  clientListPage,
  clientPage,
  confirmPage,
  credentialsPage,
  keysRotatedPage,
  loginPage,
  portalMessagePage,
  registerPage,
  secretRotatedPage,
} from '../views/portal-pages.js';
import type { ClientField, ClientFormValues, ConfirmAction, FieldErrors, PortalChrome } from '../views/portal-pages.js';
import { ClientInputError, createClient, rotateKeyPair, rotateSecret, updateClient, validateClientInput } from './clients.js';
import type { ValidClientInput } from './clients.js';
import { parseCookies, serializeCookie } from './cookies.js';
import { keepForm, loadForm } from './form-state.js';
import { RESULT_COOKIE, RESULT_TTL_MS, keepResult, resultPath, takeResult } from './results.js';
import type { OneTimeResult } from './results.js';
import { inspectorRoutes } from './inspector-routes.js';
import {
  CSRF_COOKIE,
  CSRF_FIELD,
  csrfKey,
  csrfToken,
  csrfTokenMatches,
  isCsrfCookieValue,
  newCsrfCookieValue,
  originAllowed,
} from './csrf.js';
import { singpassPortalRoutes } from './singpass-routes.js';
import { SESSION_COOKIE, SESSION_TTL_MS, adminTokenMatches, endSession, loadSession, startSession } from './session.js';
import type { PortalSession } from './session.js';

/** Wrong admin tokens per client address per minute before sign-in answers 429. */
const LOGIN_FAILURE_LIMIT = 10;
const LOGIN_WINDOW_MS = 60_000;
/** The CSRF cookie outlives any form a developer leaves open. */
const CSRF_COOKIE_MAX_AGE_S = 30 * 24 * 60 * 60;

type Body = Record<string, unknown>;
type IdReq = { Params: { id: string } };

interface PortalState {
  cookies: Map<string, string>;
  csrfCookie: string;
  /** The signed-in session (only with an admin token). */
  session: PortalSession | undefined;
  chrome: PortalChrome;
}

const HTML = 'text/html; charset=utf-8';
const PAGE_ERRORS = { config: { errorFormat: 'page' as const } };
const EDITABLE: readonly ClientField[] = ['name', 'description', 'scopes', 'redirectUris'];

function bodyOf(req: FastifyRequest): Body {
  const b = req.body;
  return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Body) : {};
}

/** A single text field (a repeated or non-text field counts as absent). */
function text(body: Body, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

/** A field that may repeat (checkboxes). */
function texts(body: Body, name: string): string[] {
  const v = body[name];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function readClientForm(body: Body): ClientFormValues {
  return {
    name: text(body, 'name'),
    description: text(body, 'description'),
    scopes: texts(body, 'scopes'),
    redirectUris: text(body, 'redirectUris'),
  };
}

function formOf(c: ClientRecord): ClientFormValues {
  return { name: c.name, description: c.description, scopes: c.scopes, redirectUris: c.redirectUris.join('\n') };
}

function isClientField(f: string): f is ClientField {
  return (EDITABLE as readonly string[]).includes(f);
}

/** The problems of a ClientInputError by field, in the portal's form (every one of them). */
function fieldErrors(err: ClientInputError): FieldErrors {
  const errors: FieldErrors = {};
  for (const p of err.problems) if (isClientField(p.field)) errors[p.field] = [...(errors[p.field] ?? []), p.message];
  return errors;
}

/** Every field is checked, so that the page lists every problem at once, not the first only. */
function validateClientForm(v: ClientFormValues): { errors: FieldErrors; input?: ValidClientInput } {
  try {
    const input = validateClientInput({ name: v.name, description: v.description, scopes: v.scopes, redirectUris: v.redirectUris.split(/\r?\n/) });
    return { errors: {}, input };
  } catch (err) {
    if (err instanceof ClientInputError) return { errors: fieldErrors(err) };
    throw err;
  }
}

/** Only portal paths, so that sign-in can never redirect elsewhere. */
function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/portal(\/[A-Za-z0-9._~%\/-]*)?$/.test(v) && !v.includes('//') ? v : '/portal';
}

export function portalRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  const adminToken = ctx.config.adminToken || undefined;
  const publicOrigin = new URL(ctx.config.publicUrl).origin;
  const secure = publicOrigin.startsWith('https:');
  const key = csrfKey(ctx.pairwiseSecret, adminToken);
  const states = new WeakMap<FastifyRequest, PortalState>();

  const stateOf = (req: FastifyRequest): PortalState => {
    const s = states.get(req);
    if (!s) throw new Error('portal state missing: the onRequest hook did not run');
    return s;
  };
  const chromeOf = (req: FastifyRequest) => stateOf(req).chrome;
  const send = (reply: FastifyReply, status: number, body: string) => reply.code(status).type(HTML).send(body);
  const notFound = (reply: FastifyReply, id: string) =>
    send(reply, 404, portalMessagePage('Client not found', `There is no client with id "${id}". It may have been deleted.`, { href: '/portal', label: 'All clients' }));
  const loadClient = async (id: string) => (id.length <= 128 ? ctx.store.getClient(id) : undefined);
  /** What one-time results and refused forms are bound to: the session, or in dev mode the browser. */
  const bindingOf = (req: FastifyRequest) => {
    const { session, csrfCookie } = stateOf(req);
    return session ? `session:${session.id}` : `browser:${csrfCookie}`;
  };
  /** Post/redirect/get for a result shown once: kept encrypted, its key in a cookie for its page only. */
  const redirectToResult = async (req: FastifyRequest, reply: FastifyReply, clientId: string, result: OneTimeResult) => {
    const kept = await keepResult(ctx.store, clientId, bindingOf(req), result);
    const path = resultPath(clientId, kept.id);
    reply.header('set-cookie', serializeCookie(RESULT_COOKIE, kept.key, { sameSite: 'Strict', secure, maxAge: RESULT_TTL_MS / 1000, path }));
    return reply.redirect(path, 303);
  };
  /** Post/redirect/get for a refused form: the page it redirects to shows it again with its messages. */
  const redirectToForm = async (req: FastifyRequest, reply: FastifyReply, form: string, page: string, values: ClientFormValues, errors: FieldErrors) => {
    const id = await keepForm(ctx.store, bindingOf(req), form, values, errors);
    return reply.redirect(`${page}?form=${id}`, 303);
  };

  app.register(
    async (portal) => {
      // Malformed bodies (wrong content type, too large) get a page; anything else goes on to
      // the provider's error mapping (logs, metrics, 5xx page).
      portal.setErrorHandler((err, _req, reply) => {
        const status = (err as { statusCode?: number }).statusCode ?? 500;
        if (status >= 400 && status < 500) {
          return send(
            reply,
            status,
            portalMessagePage('This form could not be read', 'Send the form from the portal page (as application/x-www-form-urlencoded), then try again.'),
          );
        }
        throw err;
      });

      portal.addHook('onRequest', async (req, reply) => {
        const cookies = parseCookies(req.headers.cookie);
        let csrfCookie = cookies.get(CSRF_COOKIE);
        if (!isCsrfCookieValue(csrfCookie)) {
          csrfCookie = newCsrfCookieValue();
          reply.header('set-cookie', serializeCookie(CSRF_COOKIE, csrfCookie, { sameSite: 'Strict', secure, maxAge: CSRF_COOKIE_MAX_AGE_S }));
        }
        const session = adminToken === undefined ? undefined : await loadSession(ctx.store, adminToken, cookies.get(SESSION_COOKIE), ctx.now());
        states.set(req, { cookies, csrfCookie, session, chrome: { devMode: adminToken === undefined, csrf: csrfToken(key, csrfCookie, session?.id) } });

        const path = req.url.split('?')[0]!;
        const isLogin = path === '/portal/login';
        if (adminToken === undefined || isLogin || session) return;
        if (path.startsWith('/portal/api/')) {
          // Scripts call the JSON API with the admin token itself; a browser with its session.
          const auth = req.headers.authorization;
          if (typeof auth === 'string' && /^Bearer /i.test(auth) && adminTokenMatches(adminToken, auth.slice(7).trim())) return;
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer realm="sgid-portal"')
            .type('application/json')
            .send({ error: 'unauthorized', error_description: 'sign in to the portal first, or send "Authorization: Bearer <admin token>"' });
        }
        if (req.method === 'GET' || req.method === 'HEAD') {
          return reply.redirect(`/portal/login?next=${encodeURIComponent(safeNext(path))}`, 303);
        }
        return send(reply, 401, portalMessagePage('Sign in first', 'Your portal session has ended or you are not signed in. Sign in, then submit the form again.', { href: '/portal/login', label: 'Sign in' }));
      });

      portal.addHook('preHandler', async (req, reply) => {
        if (req.method !== 'POST') return;
        // Signed in already (a second tab, Back to the sign-in form): nothing to do but go on.
        if (req.url.split('?')[0] === '/portal/login' && stateOf(req).session) return reply.redirect(safeNext(bodyOf(req)['next']), 303);
        const origin = req.headers.origin;
        const site = req.headers['sec-fetch-site'];
        if (!originAllowed(origin, typeof site === 'string' ? site : undefined, publicOrigin)) {
          return send(reply, 403, portalMessagePage('Request refused', `This form was sent from another site (${origin && origin !== 'null' ? origin : 'an unknown origin'}). Portal forms are accepted only from the portal's own pages at ${publicOrigin}.`));
        }
        const { cookies, session } = stateOf(req);
        if (!csrfTokenMatches(key, cookies.get(CSRF_COOKIE), session?.id, bodyOf(req)[CSRF_FIELD])) {
          return send(
            reply,
            403,
            portalMessagePage(
              'This form has expired',
              'The form was not sent from this portal in this browser, or its security token is missing or out of date (cookies must be enabled). Open the page again and resubmit.',
            ),
          );
        }
      });

      // ── sign-in ─────────────────────────────────────────────────────────────────────────
      portal.get<{ Querystring: { next?: string } }>('/login', PAGE_ERRORS, async (req, reply) => {
        const next = safeNext(req.query.next);
        if (adminToken === undefined || stateOf(req).session) return reply.redirect(next, 303);
        return send(reply, 200, loginPage(chromeOf(req).csrf, next));
      });

      portal.post('/login', PAGE_ERRORS, async (req, reply) => {
        const body = bodyOf(req);
        const next = safeNext(body['next']);
        if (adminToken === undefined) return reply.redirect(next, 303);
        const rateKey = `portal-login:${req.ip}`;
        if (((await ctx.store.get<number>('rate', rateKey)) ?? 0) >= LOGIN_FAILURE_LIMIT) {
          reply.header('retry-after', String(LOGIN_WINDOW_MS / 1000));
          return send(reply, 429, loginPage(chromeOf(req).csrf, next, 'Too many wrong tokens from your address: wait a minute, then try again.'));
        }
        if (!adminTokenMatches(adminToken, body['token'])) {
          await ctx.store.increment('rate', rateKey, LOGIN_WINDOW_MS);
          return send(reply, 401, loginPage(chromeOf(req).csrf, next, 'That admin token is not correct.'));
        }
        // A new id at every sign-in (never one the browser brought), and the old session ends.
        await endSession(ctx.store, stateOf(req).cookies.get(SESSION_COOKIE));
        const id = await startSession(ctx.store, adminToken, ctx.now());
        reply.header('set-cookie', serializeCookie(SESSION_COOKIE, id, { sameSite: 'Lax', secure, maxAge: SESSION_TTL_MS / 1000 }));
        return reply.redirect(next, 303);
      });

      // Ends the session in the store, so that the cookie stops working on every process at
      // once, even if a copy of it survives somewhere.
      portal.post('/logout', PAGE_ERRORS, async (req, reply) => {
        await endSession(ctx.store, stateOf(req).cookies.get(SESSION_COOKIE));
        reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { sameSite: 'Lax', secure, maxAge: 0 }));
        return reply.redirect(adminToken === undefined ? '/portal' : '/portal/login', 303);
      });

      // ── the login inspector ─────────────────────────────────────────────────────────────
      inspectorRoutes(portal, ctx, chromeOf);

      // ── clients ─────────────────────────────────────────────────────────────────────────
      portal.get<{ Querystring: { deleted?: string } }>('/', PAGE_ERRORS, async (req, reply) => {
        const notice = req.query.deleted === '1' ? 'The client was deleted.' : undefined;
        return send(reply, 200, clientListPage(chromeOf(req), await ctx.store.listClients(), notice));
      });

      portal.get<{ Querystring: { form?: string } }>('/clients/new', PAGE_ERRORS, async (req, reply) => {
        const refused = await loadForm(ctx.store, bindingOf(req), 'register', req.query.form);
        if (refused) return send(reply, 200, registerPage(chromeOf(req), refused.values, refused.errors));
        return send(reply, 200, registerPage(chromeOf(req), { name: '', description: '', scopes: ['myinfo.name'], redirectUris: '' }));
      });

      portal.post('/clients', PAGE_ERRORS, async (req, reply) => {
        const values = readClientForm(bodyOf(req));
        const { errors, input } = validateClientForm(values);
        if (!input) return redirectToForm(req, reply, 'register', '/portal/clients/new', values, errors);
        const creds = await createClient(ctx.store, input);
        req.log.info({ clientId: creds.id }, 'portal: client registered');
        return redirectToResult(req, reply, creds.id, { kind: 'registered', credentials: creds });
      });

      portal.get<IdReq & { Querystring: { saved?: string; form?: string } }>('/clients/:id', PAGE_ERRORS, async (req, reply) => {
        const client = await loadClient(req.params.id);
        if (!client) return notFound(reply, req.params.id);
        const refused = await loadForm(ctx.store, bindingOf(req), `edit:${client.id}`, req.query.form);
        if (refused) return send(reply, 200, clientPage(chromeOf(req), client, refused.values, refused.errors));
        const notice = req.query.saved === '1' ? 'Changes saved.' : undefined;
        return send(reply, 200, clientPage(chromeOf(req), client, formOf(client), {}, notice));
      });

      portal.post<IdReq>('/clients/:id', PAGE_ERRORS, async (req, reply) => {
        const client = await loadClient(req.params.id);
        if (!client) return notFound(reply, req.params.id);
        const values = readClientForm(bodyOf(req));
        const { errors, input } = validateClientForm(values);
        if (!input) return redirectToForm(req, reply, `edit:${client.id}`, clientHref(client.id), values, errors);
        try {
          await updateClient(ctx.store, client.id, input);
        } catch (err) {
          if (err instanceof ClientInputError && err.field === 'id') return notFound(reply, client.id);
          throw err;
        }
        req.log.info({ clientId: client.id }, 'portal: client updated');
        return reply.redirect(`${clientHref(client.id)}?saved=1`, 303);
      });

      // The page a result-producing POST redirects to: shows the result once, then never again.
      portal.get<{ Params: { id: string; result: string } }>('/clients/:id/results/:result', PAGE_ERRORS, async (req, reply) => {
        const { id, result: resultId } = req.params;
        const path = resultPath(id, resultId);
        // A HEAD (a link checker, a prefetch) must not use up what only the page may show.
        if (req.method === 'HEAD') return send(reply, 200, '');
        const taken = await takeResult(ctx.store, id, resultId, stateOf(req).cookies.get(RESULT_COOKIE), bindingOf(req));
        if (taken.status === 'elsewhere') {
          return send(reply, 403, portalMessagePage('Not available here', 'These credentials can be shown only in the browser, and the portal session, that asked for them.', { href: clientHref(id), label: 'Go to the client\'s page' }));
        }
        reply.header('set-cookie', serializeCookie(RESULT_COOKIE, '', { sameSite: 'Strict', secure, maxAge: 0, path }));
        if (taken.status === 'gone') {
          const client = await loadClient(id);
          return send(reply, 410, alreadyShownPage(chromeOf(req), client));
        }
        const r = taken.result;
        if (r.kind === 'registered') return send(reply, 200, credentialsPage(chromeOf(req), r.credentials));
        if (r.kind === 'secret') return send(reply, 200, secretRotatedPage(chromeOf(req), { id, name: r.clientName }, r.secret));
        return send(reply, 200, keysRotatedPage(chromeOf(req), { id, name: r.clientName }, { publicKey: r.publicKey, privateKey: r.privateKey }));
      });

      // Rotations and deletion: a GET shows the confirmation, the POST does it.
      const confirmable = (action: ConfirmAction, act: (client: ClientRecord, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
        portal.get<IdReq>(`/clients/:id/${action}`, PAGE_ERRORS, async (req, reply) => {
          const client = await loadClient(req.params.id);
          if (!client) return notFound(reply, req.params.id);
          return send(reply, 200, confirmPage(chromeOf(req), client, action));
        });
        portal.post<IdReq>(`/clients/:id/${action}`, PAGE_ERRORS, async (req, reply) => {
          const client = await loadClient(req.params.id);
          if (!client) return notFound(reply, req.params.id);
          try {
            return await act(client, req, reply);
          } catch (err) {
            // Deleted between the load and the action.
            if (err instanceof ClientInputError && err.field === 'id') return notFound(reply, client.id);
            throw err;
          }
        });
      };

      confirmable('rotate-secret', async (client, req, reply) => {
        const secret = await rotateSecret(ctx.store, client.id);
        req.log.info({ clientId: client.id }, 'portal: client secret rotated');
        return redirectToResult(req, reply, client.id, { kind: 'secret', clientId: client.id, clientName: client.name, secret });
      });

      confirmable('rotate-keys', async (client, req, reply) => {
        const pair = await rotateKeyPair(ctx.store, client.id);
        req.log.info({ clientId: client.id }, 'portal: client key pair rotated');
        return redirectToResult(req, reply, client.id, { kind: 'keys', clientId: client.id, clientName: client.name, ...pair });
      });

      // ── Singpass clients (portal/singpass-routes.ts), under the same checks ─────────────────
      singpassPortalRoutes(portal, ctx, { chromeOf, send });

      confirmable('delete', async (client, req, reply) => {
        if (!(await ctx.store.deleteClient(client.id))) return notFound(reply, client.id);
        req.log.info({ clientId: client.id }, 'portal: client deleted');
        return reply.redirect('/portal?deleted=1', 303);
      });
    },
    { prefix: '/portal' },
  );
}
