/** The wallet's pages: /wallet/:login → persona → consent → approve or decline. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ProviderContext } from '../context.js';
import { SINGPASS_ACR, getMyinfoItem } from 'sgid-protocol';
import { grantFor } from '../login/grant.js';
import type { LoginRecord } from '../login/records.js';
import { singpassGrantFor } from '../login/singpass-grant.js';
import { maskNric, releasedShown } from '../inspector/mask.js';
import { InspectStep } from '../inspector/step.js';
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

/**
 * What the wallet says about a login that can no longer be answered: what actually happened to
 * it, as far as the store knows (a missing record means that it expired).
 */
function notAnswerable(login: LoginRecord | undefined, clientName: string | undefined): { status: number; page: string } {
  const name = clientName ?? 'the app';
  switch (login?.status) {
    case undefined:
      return { status: 410, page: EXPIRED };
    case 'approved':
      return { status: 409, page: walletMessagePage('Already approved', `This login to ${name} was already approved (on this phone or another screen). Your browser is continuing to ${name}: return to it.`, 'done') };
    case 'declined':
      return { status: 409, page: walletMessagePage('Already declined', `This login to ${name} was already declined, so nothing was shared. Your browser shows that you declined.`, 'done') };
    case 'finished':
      return login.answered === 'declined'
        ? { status: 409, page: walletMessagePage('Already declined', `This login to ${name} is over: it was declined and your browser has gone back to ${name}. Nothing was shared.`, 'done') }
        : { status: 409, page: walletMessagePage('Already approved', `This login to ${name} is complete: it was approved and your browser has gone back to ${name}. There is nothing more to do here.`, 'done') };
    case 'superseded':
      return {
        status: 409,
        page: walletMessagePage(
          'This QR code was replaced',
          'The login page in your browser was reloaded or opened again, and now shows a new QR code. This one no longer works: scan the new QR code (or press "Open the Singpass app on this device" on that page).',
        ),
      };
    case 'pending':
      // Another answer won the claim and is being written at this very moment.
      return { status: 409, page: walletMessagePage('Already answered', `This login to ${name} was answered on another screen a moment ago. Return to your browser.`, 'done') };
  }
}

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
  /** The page for a login that cannot be answered (any more): what happened to it. */
  const refuse = (reply: FastifyReply, found: Found | undefined) => {
    const { status, page } = notAnswerable(found?.login, found?.client.name);
    return reply.code(status).send(page);
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
    if (!found || found.login.status !== 'pending') return refuse(reply, found);
    return personaPickerPage(found.login.id, found.client, await ctx.personas.list());
  });

  app.get<Req>('/wallet/:login/consent', PAGE, async (req, reply) => {
    const found = await load(req.params.login);
    reply.type('text/html; charset=utf-8');
    if (!found || found.login.status !== 'pending') return refuse(reply, found);
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
    if (!found || found.login.status !== 'pending') return refuse(reply, found);
    const { login, client } = found;
    if (login.expiresAt <= ctx.now()) return reply.code(410).send(EXPIRED);
    const answer: Answer = decision === 'approve' && persona ? await approve(found, persona) : { status: 'declined' };
    const outcome = await answerLogin(ctx, login, answer);
    if (outcome === 'expired') return reply.code(410).send(EXPIRED);
    // Answered or superseded meanwhile (another tab, the QR page reloaded): say which.
    if (outcome === 'already-answered') {
      const now = await loadLogin(ctx, login.id);
      return refuse(reply, now ? ({ ...found, login: now } as Found) : undefined);
    }
    const s = new InspectStep(ctx.inspector, {
      protocol: found.kind,
      ...(login.singpass ? { flow: login.singpass.mount } : {}),
      step: 'wallet',
      clientId: client.id,
      trace: login.trace,
    });
    s.pass('login_live');
    if (persona) s.pass('persona');
    s.response({
      decision: answer.status,
      ...(persona ? { persona: maskNric(persona.id) } : {}),
      ...('grant' in answer ? { released: releasedShown(login.scopes, answer.grant.encryptedTo) } : {}),
      ...('singpassGrant' in answer ? { acr: answer.singpassGrant.acr, amr: answer.singpassGrant.amr.join(' '), scopes: login.scopes.join(' ') } : {}),
    });
    s.done();
    return walletDonePage(client, decision === 'approve');
  });
}
