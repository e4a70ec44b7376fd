/**
 * SDK CPU per login: callback (token exchange + ID token validation) + userinfo (fetch + decrypt
 * of 3 data fields), network excluded, for
 *   (a) the crypto floor: one RS256 verify + one RSA-OAEP-256 decrypt + the AES-GCM work of the
 *       block key and the 3 values, on raw WebCrypto with the long-lived keys (client private
 *       key, provider public key) imported beforehand; per-message keys (CEKs, block key) are
 *       imported inside the loop because no client can avoid that;
 *   (b) our SDK (`sgid-client`), SgidClient.callback + userinfo;
 *   (c) the official SDK (`@opengovsg/sgid-client` 2.3, openid-client 5 inside), same calls.
 *
 * Method. One provider-like RSA signing key, one client key pair, one ID token and one userinfo
 * response (encrypted with sgid-protocol's encryptUserinfo: RSA-OAEP-256 + A256GCM for the
 * block key, A128GCMKW + A128GCM per value) are made once. Both SDKs then get these recorded
 * responses without any network:
 *   - ours through its `fetch` option: a function that returns `new Response(recordedJson)`;
 *   - the official SDK through `http.request`: openid-client 5 calls `http.request(url, opts)`
 *     at call time (lib/helpers/request.js), so we swap it for a stub whose request object
 *     emits a `response` stream carrying the recorded JSON. No socket is opened.
 * So both pay for their own request/response object handling but not for sockets or a server.
 * CPU is `process.cpuUsage()` (user + system, all threads of the process: WebCrypto runs on the
 * libuv pool), over `iterations` sequential logins after a warm-up of a fifth as many.
 *
 * Run alone: `node scripts/run-ts.mjs bench/sdk-cpu.ts [iterations]`.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { generateKeyPairSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { SignJWT, exportJWK, importPKCS8, importSPKI } from 'jose';
import { encryptUserinfo, base64url } from 'sgid-protocol';
import { SgidClient as OurClient } from 'sgid-client';

const require = createRequire(import.meta.url);

export interface SdkCpuBenchResult {
  floorMsPerLogin: number;
  oursMsPerLogin: number;
  officialMsPerLogin: number;
  /** ours / floor (target ≤ 1.5) */
  oursVsFloor: number;
  /** official / ours (target ≥ 4) */
  officialVsOurs: number;
}

const HOST = 'http://sgid.bench.invalid';
const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = 'x'.repeat(32);
const REDIRECT_URI = 'http://localhost:3000/callback';
const NONCE = 'bench-nonce-0123456789abcdef0123456789abcdef';
const SUB = 'bench-sub-0123456789';
const ACCESS_TOKEN = 'bench-access-token-0123456789abcdef';

function b64uDecode(s: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

async function fixtures() {
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingPkcs8 = signing.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const signingSpki = signing.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const clientPkcs8 = clientKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const clientSpki = clientKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string;

  const jwk = { ...(await exportJWK(await importSPKI(signingSpki, 'RS256', { extractable: true }))), kid: 'bench-key', use: 'sig', alg: 'RS256' };
  const now = Math.floor(Date.now() / 1000);
  const idToken = await new SignJWT({ nonce: NONCE })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench-key', typ: 'JWT' })
    .setIssuer(`${HOST}/v2`)
    .setSubject(SUB)
    .setAudience(CLIENT_ID)
    .setIssuedAt(now)
    .setExpirationTime(now + 24 * 3600)
    .sign(await importPKCS8(signingPkcs8, 'RS256'));
  const values = { 'myinfo.name': 'Denise Tan Hui Min', 'myinfo.email': 'sgid@open.gov.sg', 'myinfo.mobile_number': '87654321' };
  const encrypted = await encryptUserinfo(values, await importSPKI(clientSpki, 'RSA-OAEP-256'));
  const responses: Record<string, string> = {
    '/v2/oauth/token': JSON.stringify({ access_token: ACCESS_TOKEN, id_token: idToken, token_type: 'Bearer', expires_in: 300 }),
    '/v2/oauth/userinfo': JSON.stringify({ sub: SUB, key: encrypted.key, data: encrypted.data }),
    '/v2/.well-known/jwks.json': JSON.stringify({ keys: [jwk] }),
  };
  return { signingSpki, clientPkcs8, idToken, encrypted, responses, values };
}

async function measure(iterations: number, login: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.max(20, Math.floor(iterations / 5)); i++) await login();
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await login();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / iterations;
}

/** The floor: raw WebCrypto, long-lived keys pre-imported, all inputs pre-decoded. */
async function floorLogin(f: Awaited<ReturnType<typeof fixtures>>) {
  const subtle = crypto.subtle;
  const verifyKey = await subtle.importKey('spki', pemBody(f.signingSpki), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
  const rsaKey = await subtle.importKey('pkcs8', pemBody(f.clientPkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
  const [h, p, s] = f.idToken.split('.') as [string, string, string];
  const signingInput = new TextEncoder().encode(`${h}.${p}`);
  const signature = b64uDecode(s);
  const parseJwe = (jwe: string) => {
    const [ph, ek, iv, ct, tag] = jwe.split('.') as [string, string, string, string, string];
    const header = JSON.parse(Buffer.from(ph, 'base64url').toString()) as { iv?: string; tag?: string };
    const ctAndTag = new Uint8Array([...b64uDecode(ct), ...b64uDecode(tag)]);
    return { aad: new TextEncoder().encode(ph), ek: b64uDecode(ek), iv: b64uDecode(iv), ctAndTag, kwIv: header.iv ? b64uDecode(header.iv) : undefined, kwTag: header.tag ? b64uDecode(header.tag) : undefined };
  };
  const keyJwe = parseJwe(f.encrypted.key);
  const valueJwes = Object.values(f.encrypted.data).map(parseJwe);
  const blockKeyBytes = b64uDecode(
    (JSON.parse(
      new TextDecoder().decode(
        await subtle.decrypt(
          { name: 'AES-GCM', iv: keyJwe.iv, additionalData: keyJwe.aad },
          await subtle.importKey('raw', new Uint8Array(await subtle.decrypt({ name: 'RSA-OAEP' }, rsaKey, keyJwe.ek)), 'AES-GCM', false, ['decrypt']),
          keyJwe.ctAndTag,
        ),
      ),
    ) as { k: string }).k,
  );
  void blockKeyBytes;
  return async () => {
    const ok = await subtle.verify('RSASSA-PKCS1-v1_5', verifyKey, signature, signingInput);
    if (!ok) throw new Error('floor: bad signature');
    const cek = new Uint8Array(await subtle.decrypt({ name: 'RSA-OAEP' }, rsaKey, keyJwe.ek));
    const jwk = JSON.parse(
      new TextDecoder().decode(
        await subtle.decrypt({ name: 'AES-GCM', iv: keyJwe.iv, additionalData: keyJwe.aad }, await subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']), keyJwe.ctAndTag),
      ),
    ) as { k: string };
    const blockKey = await subtle.importKey('raw', b64uDecode(jwk.k), 'AES-GCM', false, ['decrypt']);
    await Promise.all(
      valueJwes.map(async (v) => {
        const wrapped = new Uint8Array([...v.ek, ...v.kwTag!]);
        const valueCek = await subtle.decrypt({ name: 'AES-GCM', iv: v.kwIv! }, blockKey, wrapped);
        const key = await subtle.importKey('raw', valueCek, 'AES-GCM', false, ['decrypt']);
        return new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv: v.iv, additionalData: v.aad }, key, v.ctAndTag));
      }),
    );
  };
}

function pemBody(pem: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
}

/** Swaps `http.request` for a stub answering from `responses` (path → JSON), for openid-client 5. */
function stubNodeHttp(responses: Record<string, string>): () => void {
  const original = http.request;
  const bodies = new Map(Object.entries(responses).map(([k, v]) => [k, Buffer.from(v)]));
  (http as { request: unknown }).request = (url: string) => {
    const req = new EventEmitter() as EventEmitter & Record<string, unknown>;
    req.setHeader = () => {};
    req.removeHeader = () => {};
    req.write = () => true;
    req.destroy = () => {};
    req.end = () => {
      const body = bodies.get(new URL(url).pathname);
      const res = Readable.from(body ? [body] : []) as Readable & { statusCode: number; headers: Record<string, string> };
      res.statusCode = body ? 200 : 404;
      res.headers = { 'content-type': 'application/json' };
      queueMicrotask(() => req.emit('response', res));
    };
    return req;
  };
  return () => {
    (http as { request: unknown }).request = original;
  };
}

export async function runSdkCpuBench(opts: { iterations?: number; log?: (s: string) => void } = {}): Promise<SdkCpuBenchResult> {
  const iterations = opts.iterations ?? 300;
  const log = opts.log ?? (() => {});
  const f = await fixtures();

  // (a) floor
  const floor = await floorLogin(f);
  const floorMs = await measure(iterations, floor);

  // (b) ours, fed by a fetch that returns the recorded responses
  const bodies = new Map(Object.entries(f.responses));
  const ours = new OurClient({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    privateKey: f.clientPkcs8,
    hostname: HOST,
    redirectUri: REDIRECT_URI,
    fetch: async (input) => {
      const body = bodies.get(new URL(String(input)).pathname);
      return new Response(body ?? '{}', { status: body ? 200 : 404, headers: { 'content-type': 'application/json' } });
    },
  });
  const oursLogin = async () => {
    const { sub, accessToken } = await ours.callback({ code: 'c', codeVerifier: 'v'.repeat(43), nonce: NONCE });
    const { data } = await ours.userinfo({ sub, accessToken });
    if (data['myinfo.name'] !== f.values['myinfo.name']) throw new Error('ours: wrong data');
  };
  const oursMs = await measure(iterations, oursLogin);

  // (c) official, fed through a stubbed http.request
  const restore = stubNodeHttp(f.responses);
  let officialMs: number;
  try {
    const { SgidClient: OfficialClient } = require('@opengovsg/sgid-client') as typeof import('@opengovsg/sgid-client');
    const official = new OfficialClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, privateKey: f.clientPkcs8, hostname: HOST, redirectUri: REDIRECT_URI });
    const officialLogin = async () => {
      const { sub, accessToken } = await official.callback({ code: 'c', codeVerifier: 'v'.repeat(43), nonce: NONCE });
      const { data } = await official.userinfo({ sub, accessToken });
      if (data['myinfo.name'] !== f.values['myinfo.name']) throw new Error('official: wrong data');
    };
    officialMs = await measure(iterations, officialLogin);
  } finally {
    restore();
  }

  const result: SdkCpuBenchResult = {
    floorMsPerLogin: floorMs,
    oursMsPerLogin: oursMs,
    officialMsPerLogin: officialMs,
    oursVsFloor: oursMs / floorMs,
    officialVsOurs: officialMs / oursMs,
  };
  const ms = (x: number) => `${x.toFixed(3)} ms`;
  log(`SDK CPU per login (callback + userinfo, 3 fields, network excluded, ${iterations} logins each)`);
  log(`  crypto floor          ${ms(floorMs)}`);
  log(`  sgid-client (ours)    ${ms(oursMs)}   ${result.oursVsFloor.toFixed(2)}x floor (target <= 1.5x)`);
  log(`  @opengovsg/sgid-client ${ms(officialMs)}   ${result.officialVsOurs.toFixed(2)}x ours (target >= 4x)`);
  void base64url;
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const iterations = Number(process.argv[2]) || undefined;
  await runSdkCpuBench({ iterations, log: (s) => console.log(s) });
}
