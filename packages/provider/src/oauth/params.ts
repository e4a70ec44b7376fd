/**
 * Reading OAuth parameters from a query or a form, for every protocol the provider speaks:
 * each parameter at most once (RFC 6749 §3.1), a string, and present when required.
 */
import { invalidRequest } from 'sgid-protocol';

export type Params = Readonly<Record<string, string | string[] | undefined>>;

/** RFC 6749 §3.1: a parameter sent more than once is an invalid request. */
export function optionalParam(params: Params, name: string, redirectable = true): string | undefined {
  const v = params[name];
  if (Array.isArray(v)) throw invalidRequest(`"${name}" was sent ${v.length} times; send it once`, redirectable);
  // A JSON body (accepted at the token endpoint) can carry numbers, objects or null.
  if (v !== undefined && typeof v !== 'string') throw invalidRequest(`"${name}" must be a string`, redirectable);
  return v;
}

/** A POST body must be a form (or, for the old v0 SDK, a JSON object): not text, an array or a scalar. */
export function checkFormBody(body: unknown, contentType: string | undefined): Params {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest(`the body (${contentType ?? 'no content type'}) is not a form: send application/x-www-form-urlencoded`, false);
  }
  return body as Params;
}

export function requiredParam(params: Params, name: string, redirectable = true): string {
  const v = optionalParam(params, name, redirectable);
  if (v === undefined || v === '') throw invalidRequest(`"${name}" is missing`, redirectable);
  return v;
}

