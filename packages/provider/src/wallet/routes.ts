/** The wallet's pages: /wallet/:login → persona → consent → approve or decline. */
import type { FastifyInstance } from 'fastify';
import type { ProviderContext } from '../context.js';
import { grantFor } from '../login/grant.js';
import { answerLogin, loadLogin } from '../login/states.js';
import { consentPage, personaPickerPage, walletDonePage, walletMessagePage } from '../views/wallet-pages.js';
import { releaseValues } from './personas/index.js';

const EXPIRED = walletMessagePage(
  'This login has expired',
  'The QR code you scanned is no longer valid. Go back to the app in your browser and start again to get a new QR code.',
);
const ANSWERED = walletMessagePage('Already answered', 'This login has already been approved or declined. Return to your browser.');

type Req = { Params: { login: string }; Querystring: Record<string, string | string[] | undefined>; Body: Record<string, string | string[] | undefined> };

const PAGE = { config: { errorFormat: 'page' as const } };

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? undefined : v);

export function walletRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  const load = async (id: string) => {
    const login = await loadLogin(ctx, id);
    const client = login && (await ctx.store.getClient(login.clientId));
    return login && client ? { login, client } : undefined;
  };

  app.get<Req>('/wallet/:login', PAGE, async (req, reply) => {
    const found = await load(req.params.login);
    reply.type('text/html; charset=utf-8');
    if (!found) return reply.code(410).send(EXPIRED);
    if (found.login.status !== 'pending') return reply.code(409).send(ANSWERED);
    return personaPickerPage(found.login.id, found.client, await ctx.personas.list());
  });

  app.get<Req>('/wallet/:login/consent', PAGE, async (req, reply) => {
    const found = await load(req.params.login);
    reply.type('text/html; charset=utf-8');
    if (!found) return reply.code(410).send(EXPIRED);
    if (found.login.status !== 'pending') return reply.code(409).send(ANSWERED);
    const id = one(req.query['persona']);
    const persona = id ? await ctx.personas.get(id) : undefined;
    if (!persona) {
      return reply.code(400).send(walletMessagePage('Choose a test person', 'No such test person. Go back and pick one from the list.'));
    }
    const values = releaseValues(persona, found.login.scopes, new Date(ctx.now()));
    return consentPage(found.login.id, found.client, persona, found.login.scopes, values);
  });

  app.post<Req>('/wallet/:login/decision', PAGE, async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    const body = req.body ?? {};
    const decision = one(body['decision']);
    const personaId = one(body['persona']);
    if (decision !== 'approve' && decision !== 'decline') {
      return reply.code(400).send(walletMessagePage('Approve or decline', 'Press Approve or Decline on the consent screen.'));
    }
    const persona = personaId ? await ctx.personas.get(personaId) : undefined;
    if (decision === 'approve' && !persona) {
      return reply.code(400).send(walletMessagePage('Choose a test person', 'No such test person. Go back and pick one from the list.'));
    }
    const found = await load(req.params.login);
    if (!found) return reply.code(410).send(EXPIRED);
    const { login, client } = found;
    if (login.status !== 'pending') return reply.code(409).send(ANSWERED);
    if (login.expiresAt <= ctx.now()) return reply.code(410).send(EXPIRED);
    const answer =
      decision === 'approve' && persona
        ? ({ status: 'approved', grant: await grantFor(ctx, client, persona, login.scopes) } as const)
        : ({ status: 'declined' } as const);
    const outcome = await answerLogin(ctx, login, answer);
    if (outcome === 'expired') return reply.code(410).send(EXPIRED);
    if (outcome === 'already-answered') return reply.code(409).send(ANSWERED);
    return walletDonePage(client, decision === 'approve');
  });
}
