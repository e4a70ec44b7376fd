/**
 * The grant of a Singpass login: the person's Singpass UUID and how the (simulated) Singpass
 * app authenticated them. The level of assurance is the first of the client's acr_values (all
 * whitelisted at PAR), else 2FA (loa:2), as Singpass does for an app that asks for nothing.
 *
 * UNCERTAIN, decided here: Singpass lists the factors in `amr` but documents no sample for an
 * app login; the wallet reports its software key (`swk`), plus face verification (`face`) at
 * loa:3.
 */
import { SINGPASS_ACR } from 'sgid-protocol';
import type { SingpassAcr } from 'sgid-protocol';
import type { Persona } from '../wallet/personas/index.js';
import type { SingpassGrant, SingpassLogin } from './records.js';

export function singpassGrantFor(persona: Persona, login: Pick<SingpassLogin, 'acrValues'>): SingpassGrant {
  const acr = (login.acrValues[0] as SingpassAcr | undefined) ?? SINGPASS_ACR.loa2;
  return { uuid: persona.uuid, acr, amr: acr === SINGPASS_ACR.loa3 ? ['swk', 'face'] : ['swk'] };
}
