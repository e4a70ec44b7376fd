/**
 * Wiring: parsers, security headers, one place that maps every error to a response, and the
 * routes of each role. Handlers stay thin; the checks live in relay/, wallet/, portal/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController } from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, temporarilyUnavailable } from 'sgid-protocol';
import { ConfigError } from './config.js';
import type { ProviderContext } from './context.js';
import { observe, renderMetrics } from './metrics.js';
import { portalRoutes } from './portal/routes.js';
import { relayRoutes } from './relay/routes.js';
import { singpassRoutes } from './singpass/routes.js';
import { StoreUnavailableError } from './store/types.js';
import { errorPage } from './views/layout.js';
import { homePage } from './views/home-page.js';
import { walletRoutes } from './wallet/routes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How errors of this route are answered: JSON (default), an HTML page, or JSON with a
     * WWW-Authenticate challenge (Bearer for sgID's userinfo, DPoP for Singpass's).
     */
    errorFormat?: 'json' | 'page' | 'bearer' | 'dpop';
  }
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

const STATIC_DIR = fileURLToPath(new URL('../static/', import.meta.url));
const MIME: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Form bodies keep repeated fields as arrays, so that a duplicated parameter can be refused. */
export function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function toOAuthError(err: unknown, req: FastifyRequest): OAuthError {
  if (err instanceof OAuthError) return err;
  if (err instanceof StoreUnavailableError) {
    return temporarilyUnavailable('the provider\'s storage is unavailable right now; try again in a few seconds', err);
  }
  const fe = err as Partial<FastifyError>;
  const status = fe.statusCode ?? 500;
  if (status < 500) {
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new OAuthError(
          'invalid_request',
          `content type "${String(req.headers['content-type'] ?? '(none)')}" is not accepted: send application/x-www-form-urlencoded`,
        );
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new OAuthError('invalid_request', 'the request body is too large', { status: 413 });
      case 'FST_ERR_BAD_URL':
        return new OAuthError('invalid_request', 'the URL path holds a malformed percent-encoding');
      case 'FST_ERR_MAX_PARAM_LENGTH':
        return new OAuthError('invalid_request', 'a segment of the URL path is too long');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return new OAuthError('invalid_request', 'the JSON body is malformed: send application/x-www-form-urlencoded');
      default:
        return new OAuthError('invalid_request', fe.message ?? 'malformed request', { status: status === 404 ? 404 : 400 });
    }
  }
  return new OAuthError('server_error', 'the provider hit an internal error; see its log', { status: 500, cause: err });
}

/**
 * Requests that Node's HTTP parser refuses (not valid HTTP, headers too large, too slow) never
 * reach a route: they get the same OAuth error shape here, then the connection is closed.
 */
function answerClientError(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // An answer to HEAD has no body (RFC 9110 §9.3.2): a client would read the JSON as garbage
  // after the response. The method is the start of the bytes the parser refused.
  const head = Buffer.isBuffer(err.rawPacket) && err.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
  const [status, reason, description] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'the request did not arrive in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'the request headers are too large']
        : [400, 'Bad Request', 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify({ error: 'invalid_request', error_description: description });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  }
  socket.destroy(err);
}

function quoteHeader(s: string): string {
  return s.replace(/[\\"]/g, '\\$&').replace(/[^\x20-\x7e]/g, '?');
}

function sendError(ctx: ProviderContext, err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const e = toOAuthError(err, req);
  if (e.error === 'temporarily_unavailable') {
    // An outage of a store: one line per request, naming the service, without a stack.
    req.log.warn({ route: req.routeOptions.url, reason: (e.cause as Error | undefined)?.message ?? e.message }, 'store unavailable');
  } else if (e.status >= 500) {
    req.log.error({ err: e.cause ?? err, route: req.routeOptions.url }, 'request failed');
  }
  ctx.metrics.errors.set(e.error, (ctx.metrics.errors.get(e.error) ?? 0) + 1);
  reply.code(e.status).headers(e.headers).header('cache-control', 'no-store');
  const format = req.routeOptions.config?.errorFormat ?? 'json';
  if (format === 'page') {
    return reply.type('text/html; charset=utf-8').send(errorPage(titleFor(e), e.message));
  }
  if (format === 'bearer') {
    reply.header(
      'www-authenticate',
      `Bearer realm="${quoteHeader(ctx.config.issuer)}", error="${e.error}", error_description="${quoteHeader(e.message)}"`,
    );
  } else if (format === 'dpop' && e.status < 500) {
    // RFC 9449 §7.1: the DPoP scheme, with the algorithms a proof may use.
    reply.header('www-authenticate', `DPoP error="${e.error}", error_description="${quoteHeader(e.message)}", algs="ES256 ES384 ES512"`);
  }
  return reply.type('application/json').send(e.toJSON());
}

function titleFor(e: OAuthError): string {
  switch (e.error) {
    case 'login_expired':
      return 'This sign-in request has expired';
    case 'temporarily_unavailable':
      return 'Temporarily unavailable';
    case 'server_error':
      return 'Something went wrong';
    default:
      return 'This sign-in request cannot be processed';
  }
}

/** The certificate and key of --tls-cert/--tls-key, read now so that a wrong path stops the start with its flag. */
function tlsOptions(ctx: ProviderContext): { cert: Buffer; key: Buffer } | undefined {
  const { tlsCert, tlsKey } = ctx.config;
  if (!tlsCert || !tlsKey) return undefined;
  const read = (path: string, flag: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(`--${flag}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  const tls = { cert: read(tlsCert, 'tls-cert'), key: read(tlsKey, 'tls-key') };
  try {
    createSecureContext(tls);
  } catch (err) {
    throw new ConfigError(`--tls-cert / --tls-key: not a PEM certificate and its private key (${(err as Error).message})`);
  }
  return tls;
}

export async function buildApp(ctx: ProviderContext): Promise<FastifyInstance> {
  const level = ctx.config.logLevel;
  const https = tlsOptions(ctx);
  const app = Fastify({
    ...(https ? { https } : {}),
    logger:
      level === 'silent'
        ? false
        : { level, redact: ['req.headers.authorization', 'req.headers.cookie', 'body.client_secret'] },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 256 },
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    // A malformed %-escape or an over-long segment in the path: the same error mapping as the routes.
    frameworkErrors: (err, req, reply) => sendError(ctx, err, req, reply),
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(body as string));
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      reply.header('content-security-policy', CSP);
      reply.header('x-frame-options', 'DENY');
      reply.header('cache-control', 'no-store');
    } else if (!reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    observe(ctx.metrics, req.routeOptions.url ?? 'unmatched', reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) {
      // Route pattern, never the URL: queries carry states, codes and poll secrets.
      req.log.info({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode }, 'refused');
    }
  });

  app.setErrorHandler((err, req, reply) => sendError(ctx, err, req, reply));
  app.setNotFoundHandler((req, reply) => {
    const e = new OAuthError('not_found', `no such endpoint: ${req.method} ${req.url.split('?')[0]}`, { status: 404 });
    if (req.method === 'GET' && String(req.headers.accept ?? '').includes('text/html')) {
      return reply.code(404).type('text/html; charset=utf-8').send(errorPage('Page not found', e.message));
    }
    return reply.code(404).send(e.toJSON());
  });

  const files = new Map<string, Buffer>();
  for (const name of readdirSync(STATIC_DIR)) files.set(name, readFileSync(join(STATIC_DIR, name)));
  app.get<{ Params: { file: string } }>('/static/:file', async (req, reply) => {
    const body = files.get(req.params.file);
    if (!body) return reply.code(404).type('text/plain').send('not found');
    return reply.header('cache-control', 'public, max-age=300').type(MIME[extname(req.params.file)] ?? 'application/octet-stream').send(body);
  });

  // Browsers ask for /favicon.ico on every page they show without a <link rel="icon"> (JSON
  // endpoints, the default error pages of other tools): answer with the icon, not a logged 404.
  const favicon = files.get('favicon.svg')!;
  app.get('/favicon.ico', async (_req, reply) => reply.header('cache-control', 'public, max-age=86400').type(MIME['.svg']!).send(favicon));

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(homePage(ctx)));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await ctx.store.ping();
      return { status: 'ready', store: ctx.store.description.replace(/\/\/[^@/]*@/, '//') };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', error: 'temporarily_unavailable', error_description: String((err as Error).message) });
    }
  });
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(renderMetrics(ctx.metrics)));

  relayRoutes(app, ctx);
  singpassRoutes(app, ctx);
  walletRoutes(app, ctx);
  portalRoutes(app, ctx);
  return app;
}
