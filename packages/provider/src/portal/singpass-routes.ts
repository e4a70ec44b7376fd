/**
 * The portal's Singpass pages under /portal/singpass, registered inside the portal plugin so
 * that its checks (CSRF cookie and token, admin session, Origin) run for every one. Each form
 * reads → validates every field (all problems at once) → acts → redirects (post/redirect/get).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SINGPASS_MOUNTS } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import type { SingpassClientRecord } from '../store/types.js';
import type { PortalChrome } from '../views/portal-pages.js';
import { portalMessagePage } from '../views/portal-pages.js';
import {
  singpassClientHref,
  singpassClientPage,
  singpassDeletePage,
  singpassFormOf,
  singpassListPage,
  singpassRegisterPage,
} from '../views/singpass-portal-pages.js';
import type { SingpassField, SingpassFieldErrors, SingpassFormValues } from '../views/singpass-portal-pages.js';
import { SingpassClientInputError, createSingpassClient, updateSingpassClient } from './singpass-clients.js';
import type { SingpassClientInput } from './singpass-clients.js';

export interface PortalKit {
  chromeOf(req: FastifyRequest): PortalChrome;
  send(reply: FastifyReply, status: number, body: string): FastifyReply;
}

type Body = Record<string, unknown>;
type IdReq = { Params: { id: string } };

const PAGE_ERRORS = { config: { errorFormat: 'page' as const } };

const bodyOf = (req: FastifyRequest): Body => {
  const b = req.body;
  return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Body) : {};
};
const text = (b: Body, n: string): string => (typeof b[n] === 'string' ? (b[n] as string) : '');
const texts = (b: Body, n: string): string[] => {
  const v = b[n];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};

function readForm(b: Body): SingpassFormValues {
  return {
    name: text(b, 'name'),
    description: text(b, 'description'),
    appType: text(b, 'appType'),
    scopes: texts(b, 'scopes'),
    redirectUris: text(b, 'redirectUris'),
    jwksUri: text(b, 'jwksUri').trim(),
    jwks: text(b, 'jwks').trim(),
    legacyProfile: text(b, 'legacyProfile'),
    acrValues: texts(b, 'acrValues'),
  };
}

function inputOf(v: SingpassFormValues): SingpassClientInput {
  return {
    name: v.name,
    description: v.description,
    appType: v.appType,
    scopes: v.scopes,
    redirectUris: v.redirectUris.split(/\r?\n/),
    ...(v.jwksUri ? { jwksUri: v.jwksUri } : {}),
    ...(v.jwks ? { jwks: v.jwks } : {}),
    legacyProfile: v.legacyProfile,
    acrValues: v.acrValues,
  };
}

function errorsOf(err: SingpassClientInputError): SingpassFieldErrors {
  const out: SingpassFieldErrors = {};
  for (const p of err.problems) {
    if (p.field === 'id') continue;
    const f = p.field as SingpassField;
    out[f] = [...(out[f] ?? []), p.message];
  }
  return out;
}

export function singpassPortalRoutes(portal: FastifyInstance, ctx: ProviderContext, kit: PortalKit): void {
  const issuers = { fapi: `${ctx.config.publicUrl}${SINGPASS_MOUNTS.fapi}`, legacy: ctx.config.publicUrl };
  const load = async (id: string) => (id.length <= 64 ? ctx.store.getSingpassClient(id) : undefined);
  const notFound = (reply: FastifyReply, id: string) =>
    kit.send(reply, 404, portalMessagePage('Singpass client not found', `There is no Singpass client with id "${id}". It may have been deleted.`, { href: '/portal/singpass', label: 'All Singpass clients' }));
  const blank: SingpassFormValues = { name: '', description: '', appType: 'login', scopes: ['name'], redirectUris: '', jwksUri: '', jwks: '', legacyProfile: 'direct', acrValues: [] };

  portal.get<{ Querystring: { deleted?: string } }>('/singpass', PAGE_ERRORS, async (req, reply) => {
    const notice = req.query.deleted === '1' ? 'The Singpass client was deleted.' : undefined;
    return kit.send(reply, 200, singpassListPage(kit.chromeOf(req), await ctx.store.listSingpassClients(), issuers.fapi, notice));
  });

  portal.get('/singpass/new', PAGE_ERRORS, async (req, reply) => kit.send(reply, 200, singpassRegisterPage(kit.chromeOf(req), blank)));

  portal.post('/singpass', PAGE_ERRORS, async (req, reply) => {
    const values = readForm(bodyOf(req));
    let client: SingpassClientRecord;
    try {
      client = await createSingpassClient(ctx.store, inputOf(values));
    } catch (err) {
      if (err instanceof SingpassClientInputError) return kit.send(reply, 400, singpassRegisterPage(kit.chromeOf(req), values, errorsOf(err)));
      throw err;
    }
    req.log.info({ clientId: client.id }, 'portal: Singpass client registered');
    return reply.redirect(`${singpassClientHref(client.id)}?created=1`, 303);
  });

  portal.get<IdReq & { Querystring: { saved?: string; created?: string } }>('/singpass/:id', PAGE_ERRORS, async (req, reply) => {
    const client = await load(req.params.id);
    if (!client) return notFound(reply, req.params.id);
    const notice = req.query.created === '1' ? 'Singpass client registered.' : req.query.saved === '1' ? 'Changes saved.' : undefined;
    return kit.send(reply, 200, singpassClientPage(kit.chromeOf(req), client, singpassFormOf(client), issuers, {}, notice));
  });

  portal.post<IdReq>('/singpass/:id', PAGE_ERRORS, async (req, reply) => {
    const client = await load(req.params.id);
    if (!client) return notFound(reply, req.params.id);
    const values = readForm(bodyOf(req));
    try {
      await updateSingpassClient(ctx.store, client.id, inputOf(values));
    } catch (err) {
      if (err instanceof SingpassClientInputError) {
        if (err.problems.some((p) => p.field === 'id')) return notFound(reply, client.id);
        return kit.send(reply, 400, singpassClientPage(kit.chromeOf(req), client, values, issuers, errorsOf(err)));
      }
      throw err;
    }
    req.log.info({ clientId: client.id }, 'portal: Singpass client updated');
    return reply.redirect(`${singpassClientHref(client.id)}?saved=1`, 303);
  });

  portal.get<IdReq>('/singpass/:id/delete', PAGE_ERRORS, async (req, reply) => {
    const client = await load(req.params.id);
    if (!client) return notFound(reply, req.params.id);
    return kit.send(reply, 200, singpassDeletePage(kit.chromeOf(req), client));
  });

  portal.post<IdReq>('/singpass/:id/delete', PAGE_ERRORS, async (req, reply) => {
    if (!(await ctx.store.deleteSingpassClient(req.params.id))) return notFound(reply, req.params.id);
    req.log.info({ clientId: req.params.id }, 'portal: Singpass client deleted');
    return reply.redirect('/portal/singpass?deleted=1', 303);
  });
}
