/**
 * One full login, as a relying party does it: PKCE pair → authorize (automation mode: 302 with
 * the code) → callback (token + ID token check) → userinfo (decrypt 3 fields). A fresh login
 * every time: new PKCE pair, new code, new token, nothing reused.
 */
import { createLocalJWKSet, importPKCS8, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { decryptUserinfo, s256Challenge, base64url } from 'sgid-protocol';
import type { Login } from './load.js';

export const DATA_SCOPES = ['myinfo.name', 'myinfo.email', 'myinfo.mobile_number'] as const;
export const SCOPE = `openid ${DATA_SCOPES.join(' ')}`;
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** The part of both SDKs' API a login uses (identical in ours and the official one). */
interface SdkClient {
  authorizationUrl(p: { codeChallenge: string; state?: string; scope?: string | string[] }): { url: string; nonce?: string };
  callback(p: { code: string; codeVerifier: string; nonce?: string | null }): Promise<{ sub: string; accessToken: string }>;
  userinfo(p: { sub: string; accessToken: string }): Promise<{ sub: string; data: Record<string, string> }>;
}

export interface Credentials {
  id: string;
  secret: string;
  privateKey: string;
}

/** The 302 from authorize, reduced to its code. The body is read so that the socket is reused. */
async function authorizeForCode(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  const location = res.headers.get('location');
  const m = location ? /[?&]code=([^&]+)/.exec(location) : null;
  if (res.status !== 302 || !m) throw new Error(`authorize answered ${res.status}${location ? ` to ${location.slice(0, 200)}` : ''}`);
  return decodeURIComponent(m[1]!);
}

function loginWith(sdk: SdkClient, pkce: () => { codeVerifier: string; codeChallenge: string }, minFields: number): Login {
  return async () => {
    const { codeVerifier, codeChallenge } = pkce();
    const { url, nonce } = sdk.authorizationUrl({ codeChallenge, scope: SCOPE, state: 'bench' });
    const code = await authorizeForCode(url);
    const { sub, accessToken } = await sdk.callback({ code, codeVerifier, nonce: nonce ?? null });
    const { data } = await sdk.userinfo({ sub, accessToken });
    if (Object.keys(data).length < minFields || !data['myinfo.name']) throw new Error(`userinfo gave ${Object.keys(data).length} fields`);
  };
}

/**
 * Our SDK (packages/client). When it cannot be loaded, a minimal client on sgid-protocol + jose
 * stands in, and `fallback` says why.
 */
export async function ourSdkLogin(origin: string, creds: Credentials): Promise<{ login: Login; fallback?: string }> {
  try {
    const { SgidClient, generatePkcePair } = await import('sgid-client');
    const sdk = new SgidClient({ clientId: creds.id, clientSecret: creds.secret, privateKey: creds.privateKey, redirectUri: REDIRECT_URI, hostname: origin });
    const login = loginWith(sdk, () => generatePkcePair(), DATA_SCOPES.length);
    await login(); // proves it works before it is measured
    return { login };
  } catch (err) {
    const reason = `sgid-client unusable (${(err as Error).message.split('\n')[0]}); using a minimal client on sgid-protocol + jose`;
    const login = await minimalClientLogin(origin, creds);
    await login();
    return { login, fallback: reason };
  }
}

/** The official @opengovsg/sgid-client 2.x against MockPass (any client id/secret; MockPass's static key pair). */
export async function officialSdkLogin(origin: string, privateKey: string): Promise<Login> {
  const { SgidClient, generatePkcePair } = await import('@opengovsg/sgid-client');
  const sdk = new SgidClient({ clientId: 'bench-client', clientSecret: 'bench-secret', privateKey, redirectUri: REDIRECT_URI, hostname: origin });
  // MockPass always adds myinfo.nric_number, so 4 fields come back.
  const login = loginWith(sdk as unknown as SdkClient, () => generatePkcePair(), DATA_SCOPES.length);
  await login();
  return login;
}

/** A bare relying party: token + ID token signature/claims + userinfo decryption, nothing else. */
async function minimalClientLogin(origin: string, creds: Credentials): Promise<Login> {
  const issuer = `${origin}/v2`;
  const jwksRes = await fetch(`${issuer}/.well-known/jwks.json`);
  const jwks = createLocalJWKSet((await jwksRes.json()) as JSONWebKeySet);
  const keys = new Map<string, Promise<CryptoKey>>();
  const keyFor = (alg: string) => {
    let k = keys.get(alg);
    if (!k) keys.set(alg, (k = importPKCS8(creds.privateKey, alg) as Promise<CryptoKey>));
    return k;
  };
  return async () => {
    const codeVerifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
    const codeChallenge = await s256Challenge(codeVerifier);
    const nonce = base64url(crypto.getRandomValues(new Uint8Array(16)));
    const q = new URLSearchParams({ client_id: creds.id, scope: SCOPE, response_type: 'code', redirect_uri: REDIRECT_URI, nonce, state: 'bench', code_challenge: codeChallenge, code_challenge_method: 'S256' });
    const code = await authorizeForCode(`${issuer}/oauth/authorize?${q}`);
    const tokenRes = await fetch(`${issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: creds.id, client_secret: creds.secret, code_verifier: codeVerifier }),
    });
    const token = (await tokenRes.json()) as { access_token: string; id_token: string };
    if (!tokenRes.ok) throw new Error(`token answered ${tokenRes.status}`);
    const { payload } = await jwtVerify(token.id_token, jwks, { issuer, audience: creds.id, algorithms: ['RS256'] });
    if (payload.nonce !== nonce) throw new Error('nonce mismatch');
    const uiRes = await fetch(`${issuer}/oauth/userinfo`, { headers: { authorization: `Bearer ${token.access_token}` } });
    const ui = (await uiRes.json()) as { sub: string; key: string; data: Record<string, string> };
    if (!uiRes.ok || ui.sub !== payload.sub) throw new Error(`userinfo answered ${uiRes.status}`);
    const data = await decryptUserinfo({ key: ui.key, data: ui.data }, keyFor);
    if (Object.keys(data).length !== DATA_SCOPES.length) throw new Error('wrong field count');
  };
}
