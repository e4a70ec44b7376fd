/**
 * One record per person, two protocols: the Singpass UUID, the Myinfo v5 items and the ID
 * token's sub_attributes are derived from the same persona that gives sgID its strings.
 * Expectations are written out by hand from the persona data in builtin.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MYINFO_ITEMS } from 'sgid-protocol';
import {
  PersonaValidationError,
  builtInPersonas,
  myinfoAddress,
  parsePersonasJson,
  personInfo,
  releaseValues,
  subAttributes,
  validatePersona,
} from '../src/wallet/personas/index.js';
import type { Persona } from '../src/wallet/personas/index.js';

const TODAY = new Date('2025-03-10T12:00:00+08:00');
const personas = builtInPersonas(TODAY);
const byId = (id: string): Persona => {
  const p = personas.find((x) => x.id === id);
  assert.ok(p, `no built-in persona ${id}`);
  return p;
};
const ENVELOPE = { lastupdated: '2024-09-26', source: '1', classification: 'C' };
const UNAVAILABLE = { lastupdated: '', source: '1', classification: 'C', unavailable: true };

describe('Singpass UUIDs', () => {
  test('stable: the same id gives the same UUID on every call, day and provider (pinned value)', () => {
    assert.equal(byId('S8534127H').uuid, 'eb0c274e-73ef-4113-b31e-a429fb6074f1');
    assert.equal(builtInPersonas(new Date('2031-01-01T00:00:00Z')).find((p) => p.id === 'S8534127H')?.uuid, 'eb0c274e-73ef-4113-b31e-a429fb6074f1');
  });

  test('every built-in persona has its own lowercase version-4 UUID', () => {
    const uuids = personas.map((p) => p.uuid);
    for (const u of uuids) assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(uuids).size, personas.length);
  });

  test('a persona file may set its own UUID; a malformed or repeated one is refused with the field path', () => {
    const mine = '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';
    assert.equal(validatePersona({ id: 'S1234567D', uuid: mine }).uuid, mine);
    assert.throws(() => parsePersonasJson(JSON.stringify([{ id: 'S1234567D', uuid: 'ABC' }]), 'p.json'), (e: unknown) => {
      assert.ok(e instanceof PersonaValidationError);
      assert.equal(e.path, 'personas[0].uuid');
      assert.match(e.message, /^p\.json: personas\[0\]\.uuid: must be a lowercase UUID/);
      return true;
    });
    assert.throws(
      () => parsePersonasJson(JSON.stringify([{ id: 'S1234567D', uuid: mine }, { id: 'F1612347K', uuid: mine }])),
      { message: `personas[1].uuid: "${mine}" is used twice (also by personas[0])` },
    );
  });
});

describe('Myinfo v5 items derived from the persona', () => {
  test('the full-record citizen: value, code, address, phone, list items in Myinfo shapes', () => {
    const info = personInfo(byId('S8534127H'), MYINFO_ITEMS.map((i) => i.item));
    assert.deepEqual(info.uinfin, { value: 'S8534127H', ...ENVELOPE });
    assert.deepEqual(info.partialuinfin, { value: '*****127H', ...ENVELOPE });
    assert.deepEqual(info.name, { value: 'Lim Jun Hao', ...ENVELOPE });
    assert.deepEqual(info.sex, { code: 'M', desc: 'MALE', ...ENVELOPE });
    assert.deepEqual(info.race, { code: 'CN', desc: 'CHINESE', ...ENVELOPE });
    assert.deepEqual(info.dialect, { code: 'HK', desc: 'HOKKIEN', ...ENVELOPE });
    assert.deepEqual(info.nationality, { code: 'SG', desc: 'SINGAPORE CITIZEN', ...ENVELOPE });
    assert.deepEqual(info.residentialstatus, { code: 'C', desc: 'CITIZEN', ...ENVELOPE });
    assert.deepEqual(info.birthcountry, { code: 'SG', desc: 'SINGAPORE', ...ENVELOPE });
    assert.deepEqual(info.dob, { value: '1985-06-15', ...ENVELOPE });
    assert.deepEqual(info.passportnumber, { value: 'E24817365K', ...ENVELOPE });
    assert.deepEqual(info.regadd, {
      type: 'SG',
      block: { value: '123' },
      building: { value: '' },
      floor: { value: '08' },
      unit: { value: '1234' },
      street: { value: 'ANG MO KIO AVENUE 3' },
      postal: { value: '560123' },
      country: { code: 'SG', desc: 'SINGAPORE' },
      ...ENVELOPE,
    });
    assert.deepEqual(info.mobileno, { prefix: { value: '+' }, areacode: { value: '65' }, nbr: { value: '91234567' }, ...ENVELOPE, source: '2' });
    assert.deepEqual(info.email, { value: 'junhao.lim@example.com', ...ENVELOPE, source: '2' });
    assert.deepEqual(info.hdbtype, { code: '114', desc: '4-ROOM FLAT (HDB)', ...ENVELOPE });
    assert.deepEqual(info.housingtype, UNAVAILABLE, 'an HDB dweller has no private housing type');
    assert.deepEqual(info.marital, { code: '2', desc: 'MARRIED', ...ENVELOPE });
    assert.deepEqual(info.marriagecertno, { value: '418205', ...ENVELOPE });
    assert.deepEqual(info.marriagedate, { value: '2013-11-09', ...ENVELOPE });
    assert.deepEqual(info.divorcedate, UNAVAILABLE);
    assert.deepEqual(info.vehicles, [
      { vehicleno: { value: 'SBA1234A' }, ...ENVELOPE },
      { vehicleno: { value: 'SGX8888Z' }, ...ENVELOPE },
    ]);
    assert.equal(info.childrenbirthrecords?.length, 2);
    const child = info.childrenbirthrecords![0]!;
    assert.deepEqual(child.birthcertno, { value: 'T1512074B' });
    assert.deepEqual(child.sex, { code: 'F', desc: 'FEMALE' });
    assert.deepEqual(child.lifestatus, { code: 'A', desc: 'ALIVE' });
    assert.deepEqual(child.sgcitizenatbirthind, { value: 'Y' });
    assert.equal(child.vaccinationrequirements[0]?.fulfilled.value, true);
    assert.equal(info.childrenbirthrecords![1]!.vaccinationrequirements[0]?.fulfilled.value, false);
    assert.deepEqual(info.aliasname, UNAVAILABLE, 'not in the record: unavailable, with no value');
  });

  test('an address with a building line; a private housing type; a sponsored child; a work pass', () => {
    const pr = personInfo(byId('S7612846D'), ['regadd', 'housingtype', 'hdbtype', 'sponsoredchildrenrecords', 'nationality', 'vehicles']);
    assert.deepEqual(pr.regadd && 'building' in pr.regadd ? [pr.regadd.block, pr.regadd.building, pr.regadd.floor, pr.regadd.unit, pr.regadd.street, pr.regadd.postal] : pr.regadd, [
      { value: '8' },
      { value: 'THE WATERSIDE' },
      { value: '15' },
      { value: '02' },
      { value: 'TANJONG RHU ROAD' },
      { value: '436885' },
    ]);
    assert.deepEqual(pr.housingtype, { code: '131', desc: 'CONDOMINIUM', ...ENVELOPE });
    assert.deepEqual(pr.hdbtype, UNAVAILABLE);
    assert.deepEqual(pr.nationality, { code: 'IN', desc: 'INDIAN', ...ENVELOPE });
    assert.deepEqual(pr.vehicles, []);
    assert.deepEqual(pr.sponsoredchildrenrecords?.[0]?.residentialstatus, { code: 'P', desc: 'PR' });
    const foreigner = personInfo(byId('M4217365N'), ['nationality', 'residentialstatus', 'employment', 'passstatus', 'passexpirydate']);
    assert.deepEqual(foreigner.nationality, { code: 'DG', desc: 'GERMAN', ...ENVELOPE }, "Myinfo's code for Germany is DG, not ISO's DE");
    assert.deepEqual(foreigner.residentialstatus, { code: 'A', desc: 'ALIEN', ...ENVELOPE });
    assert.deepEqual(foreigner.employment, { value: 'Northwind Analytics Pte. Ltd.', ...ENVELOPE });
    assert.deepEqual(foreigner.passstatus, { value: 'Live', ...ENVELOPE });
  });

  test('a name-only persona: every other requested item is unavailable', () => {
    const info = personInfo(byId('S9203318Z'), ['name', 'dob', 'regadd', 'mobileno', 'sex', 'vehicles']);
    assert.deepEqual(info, {
      name: { value: 'Chua Boon Keng', ...ENVELOPE },
      dob: UNAVAILABLE,
      regadd: UNAVAILABLE,
      mobileno: UNAVAILABLE,
      sex: UNAVAILABLE,
      vehicles: [],
    });
  });

  test('exactly the requested items, each once; unknown names and openid are skipped', () => {
    assert.deepEqual(Object.keys(personInfo(byId('S8534127H'), ['openid', 'name', 'uinfin', 'name', 'nosuchitem'])), ['name', 'uinfin']);
  });

  test('addresses that are not in the Singapore layout are UNFORMATTED', () => {
    assert.deepEqual(myinfoAddress('4578 SMITHFIELD AVENUE\nHARTFORD CT 06120\nUNITED STATES'), {
      type: 'UNFORMATTED',
      line1: { value: '4578 SMITHFIELD AVENUE' },
      line2: { value: 'HARTFORD CT 06120, UNITED STATES' },
      ...ENVELOPE,
    });
  });

  test('every built-in persona: the Myinfo values equal the sgID values of the same facts', () => {
    const pairs: [string, string][] = [
      ['myinfo.name', 'name'],
      ['myinfo.nric_number', 'uinfin'],
      ['myinfo.date_of_birth', 'dob'],
      ['myinfo.passport_number', 'passportnumber'],
      ['myinfo.passport_expiry_date', 'passportexpirydate'],
      ['myinfo.email', 'email'],
      ['myinfo.marriage_date', 'marriagedate'],
      ['myinfo.name_of_employer', 'employment'],
      ['myinfo.nric_last_four_characters', 'partialuinfin'],
    ];
    for (const p of personas) {
      const sgid = releaseValues(p, pairs.map(([s]) => s), TODAY);
      const myinfo = personInfo(p, pairs.map(([, m]) => m)) as Record<string, { value?: string }>;
      for (const [s, m] of pairs) {
        const expected = sgid[s] === 'NA' ? undefined : sgid[s];
        assert.equal(myinfo[m]?.value, expected, `${p.id}: ${s} vs ${m}`);
      }
      const sex = (personInfo(p, ['sex']).sex as { desc?: string }).desc;
      assert.equal(sex, p.values['myinfo.sex'], `${p.id}: sex`);
    }
  });
});

describe('ID token sub_attributes', () => {
  const p = byId('S8534127H');
  test('each attribute only with its scope', () => {
    assert.equal(subAttributes(p, ['openid']), undefined);
    assert.deepEqual(subAttributes(p, ['openid', 'name']), { name: 'Lim Jun Hao' });
    assert.deepEqual(subAttributes(p, ['openid', 'user.identity', 'email', 'mobileno']), {
      account_type: 'standard',
      identity_number: 'S8534127H',
      identity_coi: 'SG',
      email: 'junhao.lim@example.com',
      mobileno: '91234567',
    });
  });
  test('email and mobile number are left out when not on record', () => {
    assert.deepEqual(subAttributes(byId('S9203318Z'), ['openid', 'name', 'email', 'mobileno']), { name: 'Chua Boon Keng' });
  });
  test('a mobile number outside Singapore is not a mobileno attribute', () => {
    const abroad = validatePersona({ id: 'S1234567D', values: { 'myinfo.mobile_number_with_country_code': '+60 123456789' } });
    assert.equal(subAttributes(abroad, ['mobileno']), undefined);
    assert.deepEqual(personInfo(abroad, ['mobileno']).mobileno, { prefix: { value: '+' }, areacode: { value: '60' }, nbr: { value: '123456789' }, ...ENVELOPE, source: '2' });
  });
});

describe('persona files: values Myinfo sends as codes', () => {
  test('a value outside a closed Myinfo table is refused, naming the field and the accepted values', () => {
    assert.throws(() => parsePersonasJson(JSON.stringify([{ id: 'S1234567D', values: { 'myinfo.sex': 'M' } }]), 'p.json'), {
      message: 'p.json: personas[0].values["myinfo.sex"]: "M" is not a Myinfo sex (one of MALE, FEMALE, UNKNOWN)',
    });
    assert.throws(() => validatePersona({ id: 'S1234567D', values: { 'myinfo.hdbtype': '4 ROOM' } }), /persona\.values\["myinfo\.hdbtype"\]: "4 ROOM" is not a Myinfo HDB type/);
  });
  test('open tables take any text (as code XX, OTHERS); HDB is a housing type', () => {
    const p = validatePersona({ id: 'S1234567D', values: { 'myinfo.race': 'KLINGON', 'myinfo.dialect': 'Teo Chew', 'myinfo.housingtype': 'HDB' } });
    const info = personInfo(p, ['race', 'dialect', 'housingtype']);
    assert.deepEqual(info.race, { code: 'XX', desc: 'KLINGON', ...ENVELOPE });
    assert.deepEqual(info.dialect, { code: 'TC', desc: 'TEOCHEW', ...ENVELOPE });
    assert.deepEqual(info.housingtype, UNAVAILABLE);
  });
});
