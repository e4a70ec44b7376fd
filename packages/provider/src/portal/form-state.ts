/**
 * A portal form that was refused, kept for the page the browser is redirected to: every POST
 * ends in a redirect (post/redirect/get), also when nothing was done, so that a reload shows
 * the same form with the same messages instead of asking to send the form again. The values
 * are what the developer typed (never a secret: names, scopes, URLs), kept for half an hour
 * under the hash of a random id, for the browser (session or CSRF cookie) that sent them and
 * the form they belong to.
 */
import type { Store } from '../store/types.js';
import { randomToken, storageKey } from '../util/secrets.js';
import type { ClientFormValues, FieldErrors } from '../views/portal-pages.js';

export const FORM_STATE_TTL_MS = 30 * 60 * 1000;

interface StoredForm {
  /** storageKey of the browser binding. */
  binding: string;
  /** Which form: "register", or "edit:<client id>". */
  form: string;
  values: ClientFormValues;
  errors: FieldErrors;
}

/** Keeps a refused form; returns the id to put in the redirect's query. */
export async function keepForm(store: Store, binding: string, form: string, values: ClientFormValues, errors: FieldErrors): Promise<string> {
  const id = randomToken(16);
  const stored: StoredForm = { binding: storageKey(binding), form, values, errors };
  await store.put('portal-form', storageKey(id), stored, FORM_STATE_TTL_MS);
  return id;
}

/** The refused form `id` names, when it is this browser's and this form's (a reload shows it again). */
export async function loadForm(store: Store, binding: string, form: string, id: unknown): Promise<{ values: ClientFormValues; errors: FieldErrors } | undefined> {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(id)) return undefined;
  const stored = await store.get<StoredForm>('portal-form', storageKey(id));
  if (!stored || stored.binding !== storageKey(binding) || stored.form !== form) return undefined;
  return { values: stored.values, errors: stored.errors };
}
