/**
 * Small raw-HTTP helpers for the provider's verification suite: build authorize URLs, post to
 * the token endpoint, call userinfo, and run a whole login to a code — without any SDK, so
 * that every byte on the wire is the test's choice.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PATHS, s256Challenge } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import type { TestProvider } from './provider.js';
import { loginThroughWallet } from './wallet-flow.js';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export async function pkcePair(): Promise<Pkce> {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: await s256Challenge(verifier) };
}

/** The authorize URL with sane defaults; a value of `null` in `params` drops that parameter. */
export function authorizeUrl(
  p: TestProvider,
  creds: Pick<ClientCredentials, 'id' | 'redirectUris'>,
  params: Record<string, string | null> = {},
): string {
  const base: Record<string, string | null> = {
    response_type: 'code',
    client_id: creds.id,
    redirect_uri: creds.redirectUris[0]!,
    scope: 'openid',
    code_challenge: 'x'.repeat(43),
    code_challenge_method: 'S256',
    state: 'state-1',
    nonce: 'nonce-1',
    ...params,
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(base)) if (v !== null) q.append(k, v);
  return `${p.url}${PATHS.authorize}?${q.toString()}`;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** A response with its body read as text and, when it is JSON, parsed. */
export async function asJson(res: Response): Promise<JsonResponse> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // left empty: the caller's assertions on `body` then fail with the text shown
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** POST the token endpoint. `body` as a record is form-encoded; pairs allow duplicates; a string is sent as is. */
export async function postToken(
  p: TestProvider,
  body: Record<string, string> | [string, string][] | string,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const isRaw = typeof body === 'string';
  const res = await fetch(`${p.url}${PATHS.token}`, {
    method: 'POST',
    headers: isRaw ? headers : { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: isRaw ? body : new URLSearchParams(body).toString(),
  });
  return asJson(res);
}

export async function getUserinfo(p: TestProvider, accessToken: string | undefined, init: { query?: string; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...(accessToken !== undefined ? { authorization: `Bearer ${accessToken}` } : {}), ...init.headers };
  return asJson(await fetch(`${p.url}${PATHS.userinfo}${init.query ?? ''}`, { headers }));
}

/** Asserts an OAuth JSON error: status, `error`, a non-empty description, and no-store. */
export function assertOAuthError(r: JsonResponse, status: number, error: string, what = ''): void {
  assert.equal(r.status, status, `${what}: status ${r.status}, body ${r.text}`);
  assert.equal(r.body['error'], error, `${what}: body ${r.text}`);
  assert.equal(typeof r.body['error_description'], 'string', `${what}: body ${r.text}`);
  assert.ok((r.body['error_description'] as string).length > 0);
  assert.equal(r.headers.get('cache-control'), 'no-store', `${what}: cache-control`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
}

export interface IssuedCode {
  code: string;
  pkce: Pkce;
  redirectUri: string;
  state: string;
  nonce: string;
}

/** The token request a client sends for `code` (authorization_code, client_secret_post, PKCE). */
export function grantBody(creds: ClientCredentials, code: string, verifier: string, redirectUri: string): Record<string, string> {
  return { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: creds.id, client_secret: creds.secret, code_verifier: verifier };
}

/** Runs a login through the wallet pages and returns the code (not yet redeemed). */
export async function loginForCode(
  p: TestProvider,
  creds: ClientCredentials,
  opts: { scope?: string; personaId?: string; redirectUri?: string } = {},
): Promise<IssuedCode> {
  const pkce = await pkcePair();
  const state = randomBytes(8).toString('hex');
  const nonce = randomBytes(8).toString('hex');
  const redirectUri = opts.redirectUri ?? creds.redirectUris[0]!;
  const url = authorizeUrl(p, creds, {
    scope: opts.scope ?? 'openid',
    code_challenge: pkce.challenge,
    redirect_uri: redirectUri,
    state,
    nonce,
  });
  const back = await loginThroughWallet(url, opts.personaId);
  assert.equal(back.searchParams.get('state'), state);
  const code = back.searchParams.get('code');
  assert.ok(code, `no code in ${back.href}`);
  return { code, pkce, redirectUri, state, nonce };
}

export function tokenBody(creds: ClientCredentials, issued: IssuedCode, over: Record<string, string | null> = {}): Record<string, string> {
  const body: Record<string, string | null> = { ...grantBody(creds, issued.code, issued.pkce.verifier, issued.redirectUri), ...over };
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => e[1] !== null));
}

/** Login + token exchange; returns the token response body. */
export async function loginForTokens(
  p: TestProvider,
  creds: ClientCredentials,
  opts: { scope?: string; personaId?: string } = {},
): Promise<{ access_token: string; id_token: string; issued: IssuedCode }> {
  const issued = await loginForCode(p, creds, opts);
  const r = await postToken(p, tokenBody(creds, issued));
  assert.equal(r.status, 200, r.text);
  return { access_token: r.body['access_token'] as string, id_token: r.body['id_token'] as string, issued };
}

/** GET the authorize URL without following redirects. */
export async function getAuthorize(url: string): Promise<{ status: number; location: URL | null; html: string; headers: Headers }> {
  const res = await fetch(url, { redirect: 'manual' });
  const loc = res.headers.get('location');
  return { status: res.status, location: loc ? new URL(loc) : null, html: await res.text(), headers: res.headers };
}

/** Authorize must redirect to the registered URI with this error and the state. */
export async function assertAuthorizeRedirectError(url: string, redirectUri: string, error: string, state: string | null = 'state-1'): Promise<URL> {
  const r = await getAuthorize(url);
  assert.equal(r.status, 302, `expected a redirect with ${error}, got ${r.status}: ${r.html.slice(0, 300)}`);
  const loc = r.location!;
  assert.equal(`${loc.origin}${loc.pathname}`, redirectUri.split('?')[0]);
  assert.equal(loc.searchParams.get('error'), error, loc.href);
  assert.ok((loc.searchParams.get('error_description') ?? '').length > 0);
  assert.equal(loc.searchParams.get('state'), state);
  assert.equal(loc.searchParams.get('code'), null);
  return loc;
}

/** Authorize must show an error page (never redirect). */
export async function assertAuthorizeErrorPage(url: string, status = 400): Promise<string> {
  const r = await getAuthorize(url);
  assert.equal(r.status, status, `expected an error page, got ${r.status} ${r.location?.href ?? ''}`);
  assert.equal(r.location, null);
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  return r.html;
}
