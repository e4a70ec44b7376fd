/**
 * singpass-client against this repository's provider over HTTP (automation mode, real SQLite):
 * a Login app and a Myinfo app log in as every built-in persona, each person's `person_info`
 * is parsed into the SDK's Myinfo types and plain values, the MockPass-style alias issuer works
 * the same, and the provider's refusals reach the app as typed errors.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtInPersonas, personInfo as providerPersonInfo, singpassUuid } from '../../provider/src/wallet/personas/index.ts';
import type { Persona } from '../../provider/src/wallet/personas/index.ts';
import { createSingpassClient } from '../../provider/src/portal/singpass-clients.ts';
import { startProvider, type TestProvider } from '../../provider/test/helpers/provider.ts';
import {
  SingpassClient,
  generateKeys,
  myinfoCode,
  toPlainPerson,
  formatMobileNumber,
  parseMyinfoDate,
  type Jwks,
  type PersonInfo,
  type SingpassClientOptions,
} from '../src/index.ts';
import { rejectsWith } from './helpers/assert-error.ts';

const REDIRECT = 'http://localhost:3080/callback';
const LOGIN_SCOPES = 'openid user.identity name email mobileno';
/** Every Myinfo item the provider's catalog offers. */
let MYINFO_SCOPES = '';

/** The Myinfo item shapes the SDK types, checked on what arrives. */
const VALUE_ITEMS = ['uinfin', 'partialuinfin', 'name', 'aliasname', 'hanyupinyinname', 'hanyupinyinaliasname', 'marriedname', 'dob', 'passportnumber', 'passportexpirydate', 'email', 'marriagecertno', 'marriagedate', 'divorcedate', 'employment', 'passstatus', 'passexpirydate'];
const CODED_ITEMS = ['sex', 'race', 'secondaryrace', 'dialect', 'nationality', 'birthcountry', 'residentialstatus', 'housingtype', 'hdbtype', 'marital', 'countryofmarriage', 'occupation', 'passtype'];
const LIST_ITEMS = ['childrenbirthrecords', 'sponsoredchildrenrecords', 'vehicles'];

function checkEnvelope(item: Record<string, unknown>, where: string): boolean {
  assert.equal(item.classification, 'C', `${where}.classification`);
  assert.match(String(item.source), /^[1-4]$/, `${where}.source`);
  assert.equal(typeof item.lastupdated, 'string', `${where}.lastupdated`);
  return item.unavailable === true;
}

/** Asserts that `info` has the shapes PersonInfo promises, item by item. */
function checkShapes(info: PersonInfo, persona: Persona): void {
  for (const [name, raw] of Object.entries(info)) {
    const where = `${persona.id} ${name}`;
    if (LIST_ITEMS.includes(name)) {
      assert.ok(Array.isArray(raw), `${where} is a list`);
      for (const [i, record] of (raw as Record<string, unknown>[]).entries()) checkEnvelope(record, `${where}[${i}]`);
      continue;
    }
    const item = raw as Record<string, unknown>;
    if (checkEnvelope(item, where)) {
      assert.deepEqual(Object.keys(item).sort(), ['classification', 'lastupdated', 'source', 'unavailable'], `${where}: nothing but the envelope when unavailable`);
      continue;
    }
    if (VALUE_ITEMS.includes(name)) assert.equal(typeof item.value, 'string', `${where}.value`);
    else if (CODED_ITEMS.includes(name)) assert.ok(typeof item.code === 'string' && typeof item.desc === 'string', `${where} code/desc`);
    else if (name === 'regadd') assert.ok(item.type === 'SG' || item.type === 'UNFORMATTED', `${where}.type`);
    else if (name === 'mobileno') assert.equal(typeof (item.nbr as { value?: unknown } | undefined)?.value, 'string', `${where}.nbr`);
    else assert.fail(`${where}: an item the SDK does not type`);
  }
}

describe('against the provider over HTTP', () => {
  let p: TestProvider;
  let jwksServer: Server;
  const personas = builtInPersonas(new Date());
  const keys: Record<'login' | 'myinfo', Jwks> = { login: { keys: [] }, myinfo: { keys: [] } };
  const ids: Record<'login' | 'myinfo', string> = { login: '', myinfo: '' };

  before(async () => {
    p = await startProvider({ autoApprove: personas[0]!.id });
    const { MYINFO_ITEMS } = await import('sgid-protocol');
    MYINFO_SCOPES = ['openid', ...MYINFO_ITEMS.map((i) => i.item)].join(' ');
    keys.login = (await generateKeys()).privateJwks;
    keys.myinfo = (await generateKeys()).privateJwks;
    // The Myinfo app publishes its JWKS at a URL, as a real relying party does; the Login app's is inline.
    const myinfoPublic = new SingpassClient({ issuer: 'https://stg-id.singpass.gov.sg/fapi', clientId: 'x', keys: keys.myinfo }).jwks();
    jwksServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(myinfoPublic));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const login = await createSingpassClient(p.store, {
      name: 'SDK Login app',
      description: 'singpass-client tests',
      appType: 'login',
      scopes: LOGIN_SCOPES,
      redirectUris: [REDIRECT],
      jwks: new SingpassClient({ issuer: 'https://stg-id.singpass.gov.sg/fapi', clientId: 'x', keys: keys.login }).jwks(),
    });
    const myinfo = await createSingpassClient(p.store, {
      name: 'SDK Myinfo app',
      description: 'singpass-client tests',
      appType: 'myinfo',
      scopes: MYINFO_SCOPES,
      redirectUris: [REDIRECT],
      jwksUri: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`,
    });
    ids.login = login.id;
    ids.myinfo = myinfo.id;
  });
  after(async () => {
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
    await p.close();
  });

  const clientFor = (kind: 'login' | 'myinfo', options: Partial<SingpassClientOptions> = {}) =>
    new SingpassClient({
      issuer: `${p.url}/fapi`,
      clientId: ids[kind],
      keys: keys[kind],
      appType: kind,
      scope: kind === 'login' ? LOGIN_SCOPES : MYINFO_SCOPES,
      redirectUri: REDIRECT,
      allowHttpLoopback: true,
      ...options,
    });

  /** authorize in automation mode: the 302 to the redirect URI, as a browser would follow it. */
  async function approve(url: string): Promise<string> {
    const answer = await fetch(url, { redirect: 'manual' });
    const location = answer.headers.get('location');
    assert.equal(answer.status, 302, `authorize answered ${answer.status}: ${await answer.text()}`);
    return location!;
  }

  /** Logs in as `persona` (automation mode answers as the configured persona). */
  async function loginAs(client: SingpassClient, persona: Persona) {
    p.config.autoApprove = persona.id; // read by the provider at each authorize request
    const { url, session } = await client.authorizationUrl();
    return client.callback(await approve(url), session);
  }

  it('Login app: every persona logs in; sub is its stable Singpass UUID, sub_attributes its identity', async () => {
    const client = clientFor('login');
    for (const persona of personas) {
      const tokens = await loginAs(client, persona);
      assert.equal(tokens.sub, singpassUuid(persona.id), persona.id);
      assert.equal(tokens.subAttributes.identity_number, persona.id);
      assert.equal(tokens.subAttributes.name, persona.values['myinfo.name']);
      assert.equal(tokens.subType, 'user');
      assert.ok(tokens.amr.length > 0 && tokens.acr?.startsWith('urn:singpass:authentication:loa:'), `${persona.id} acr/amr`);
      assert.equal(tokens.claims.aud, ids.login);
      assert.equal(tokens.claims.exp - tokens.claims.iat, 600, 'ID tokens live 10 minutes');
    }
  });

  it('Myinfo app: every persona’s person_info arrives whole, in the shapes the SDK types, and as plain values', async () => {
    const client = clientFor('myinfo');
    const items = MYINFO_SCOPES.split(' ').slice(1);
    for (const persona of personas) {
      const tokens = await loginAs(client, persona);
      const { personInfo, sub } = await client.userinfo(tokens);
      assert.equal(sub, tokens.sub);
      assert.deepEqual(personInfo, JSON.parse(JSON.stringify(providerPersonInfo(persona, items))), `${persona.id}: what the wallet released`);
      checkShapes(personInfo, persona);
      const plain = toPlainPerson(personInfo);
      assert.equal(plain.uinfin, persona.id);
      assert.equal(plain.name, persona.values['myinfo.name']);
      if (personInfo.mobileno && !personInfo.mobileno.unavailable) assert.match(formatMobileNumber(personInfo.mobileno)!, /^\+\d+ \d+$/);
      if (personInfo.dob && !personInfo.dob.unavailable) assert.ok(parseMyinfoDate(personInfo.dob), `${persona.id} dob ${personInfo.dob.value}`);
      if (personInfo.regadd && !personInfo.regadd.unavailable) assert.ok(plain.regadd, `${persona.id} regadd as lines`);
      if (personInfo.sex && !personInfo.sex.unavailable) assert.ok(myinfoCode(personInfo.sex));
      for (const item of Object.keys(personInfo)) assert.ok(items.includes(item), `${item} was requested`);
    }
  });

  it('works the same on the MockPass-style alias issuer (/singpass/v3/fapi)', async () => {
    const login = clientFor('login', { issuer: `${p.url}/singpass/v3/fapi` });
    const tokens = await loginAs(login, personas[0]!);
    assert.equal(tokens.claims.iss, `${p.url}/singpass/v3/fapi`);
    const myinfo = clientFor('myinfo', { issuer: `${p.url}/singpass/v3/fapi` });
    const { personInfo } = await myinfo.userinfo(await loginAs(myinfo, personas[0]!));
    assert.equal(personInfo.uinfin?.value, personas[0]!.id);
  });

  it('says the legacy issuer is not a FAPI one', async () => {
    const err = await rejectsWith(clientFor('login', { issuer: p.url }).authorizationUrl(), 'ERR_DISCOVERY');
    assert.match(err.hint, /end in \/fapi/);
  });

  it('reports the provider’s refusals as typed errors', async () => {
    const wrongRedirect = clientFor('login', { redirectUri: 'http://localhost:3080/elsewhere' });
    const refused = await rejectsWith(wrongRedirect.authorizationUrl(), 'ERR_OAUTH_RESPONSE', 'SingpassResponseError');
    assert.equal(refused.error, 'invalid_request');
    const scope = await rejectsWith(clientFor('login', { scope: 'openid uinfin' }).authorizationUrl(), 'ERR_OAUTH_RESPONSE');
    assert.equal(scope.error, 'invalid_scope');
    // A code is single use: the second exchange is refused.
    const client = clientFor('login');
    const { url, session } = await client.authorizationUrl();
    const callbackUrl = await approve(url);
    await client.callback(callbackUrl, session);
    const replay = await rejectsWith(client.callback(callbackUrl, session), 'ERR_OAUTH_RESPONSE');
    assert.equal(replay.error, 'invalid_grant');
    // Keys the provider does not know sign the assertion: invalid_client.
    const strangers = clientFor('login', { keys: (await generateKeys()).privateJwks });
    const unknown = await rejectsWith(strangers.authorizationUrl(), 'ERR_OAUTH_RESPONSE');
    assert.equal(unknown.error, 'invalid_client');
  });

  it('a replayed code revokes the tokens it gave: userinfo then answers invalid_token, as a typed error', async () => {
    const client = clientFor('myinfo');
    const { url, session } = await client.authorizationUrl();
    const callbackUrl = await approve(url);
    const tokens = await client.callback(callbackUrl, session);
    await rejectsWith(client.callback(callbackUrl, session), 'ERR_OAUTH_RESPONSE');
    const revoked = await rejectsWith(client.userinfo(tokens), 'ERR_OAUTH_RESPONSE', 'SingpassResponseError');
    assert.equal(revoked.error, 'invalid_token');
    assert.equal(revoked.status, 401);
  });

  it('tokens from one client are refused for another client’s userinfo keys', async () => {
    // The Myinfo app's ID token decrypts only with its own keys: a client holding the Login
    // app's keys under the Myinfo app's id cannot read it.
    const myinfo = clientFor('myinfo');
    const { url, session } = await myinfo.authorizationUrl();
    const callbackUrl = await approve(url);
    const impostor = clientFor('myinfo', { keys: { keys: [...keys.myinfo.keys.filter((k) => k.use === 'sig'), ...keys.login.keys.filter((k) => k.use === 'enc')] } });
    await rejectsWith(impostor.callback(callbackUrl, session), 'ERR_ID_TOKEN_DECRYPT');
  });
});
