/** The wallet's pages: /wallet/:login → persona → consent → approve or decline. */
import type { FastifyInstance } from 'fastify';
import type { ProviderContext } from '../context.js';
import { SINGPASS_ACR, getMyinfoItem } from 'sgid-protocol';
import { grantFor } from '../login/grant.js';
import type { LoginRecord } from '../login/records.js';
import { singpassGrantFor } from '../login/singpass-grant.js';
import { answerLogin, loadLogin } from '../login/states.js';
import type { Answer } from '../login/states.js';
import type { ClientRecord, SingpassClientRecord } from '../store/types.js';
import { consentPage, personaPickerPage, singpassConsentPage, walletDonePage, walletMessagePage } from '../views/wallet-pages.js';
import type { Persona } from './personas/index.js';
import { personInfo, releaseValues, subAttributes } from './personas/index.js';

const EXPIRED = walletMessagePage(
  'This login has expired',
  'The QR code you scanned is no longer valid. Go back to the app in your browser and start again to get a new QR code.',
);
const ANSWERED = walletMessagePage('Already answered', 'This login has already been approved or declined. Return to your browser.');

type Req = { Params: { login: string }; Querystring: Record<string, string | string[] | undefined>; Body: Record<string, string | string[] | undefined> };

const PAGE = { config: { errorFormat: 'page' as const } };

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? undefined : v);

export function walletRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  type Found = { login: LoginRecord } & ({ kind: 'sgid'; client: ClientRecord } | { kind: 'singpass'; client: SingpassClientRecord });
  const load = async (id: string): Promise<Found | undefined> => {
    const login = await loadLogin(ctx, id);
    if (!login) return undefined;
    if (login.singpass) {
      const client = await ctx.store.getSingpassClient(login.clientId);
      return client ? { login, kind: 'singpass', client } : undefined;
    }
    const client = await ctx.store.getClient(login.clientId);
    return client ? { login, kind: 'sgid', client } : undefined;
  };

  const consent = (found: Found, persona: Persona): string => {
    const { login } = found;
    if (found.kind === 'sgid') return consentPage(login.id, found.client, persona, login.scopes, releaseValues(persona, login.scopes, new Date(ctx.now())));
    const acr = singpassGrantFor(persona, login.singpass!).acr;
    const attributes = subAttributes(persona, login.scopes);
    return singpassConsentPage({
      loginId: login.id,
      client: found.client,
      persona,
      appType: found.client.appType,
      ...(attributes ? { attributes } : {}),
      ...(found.client.appType === 'myinfo'
        ? { items: Object.entries(personInfo(persona, login.scopes.filter((s) => getMyinfoItem(s) !== undefined))) }
        : {}),
      ...(login.singpass?.contextMessage ? { contextMessage: login.singpass.contextMessage } : {}),
      assurance: acr === SINGPASS_ACR.loa3 ? 'with face verification (level 3)' : 'two-factor (level 2)',
    });
  };

  const approve = async (found: Found, persona: Persona): Promise<Answer> =>
    found.kind === 'singpass'
      ? { status: 'approved', singpassGrant: singpassGrantFor(persona, found.login.singpass!) }
      : { status: 'approved', grant: await grantFor(ctx, found.client, persona, found.login.scopes) };

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
    return consent(found, persona);
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
    const answer: Answer = decision === 'approve' && persona ? await approve(found, persona) : { status: 'declined' };
    const outcome = await answerLogin(ctx, login, answer);
    if (outcome === 'expired') return reply.code(410).send(EXPIRED);
    if (outcome === 'already-answered') return reply.code(409).send(ANSWERED);
    return walletDonePage(client, decision === 'approve');
  });
}
