/** Myinfo v5 helpers: plain values from every item shape, addresses, phone numbers, dates, ages. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressLines,
  ageOn,
  formatAddress,
  formatMobileNumber,
  myinfoCode,
  myinfoDescription,
  myinfoValue,
  parseLegacySub,
  parseMyinfoDate,
  toPlainPerson,
  type PersonInfo,
} from '../src/index.ts';
import { samplePersonInfo } from './helpers/fapi-double.ts';

const meta = { classification: 'C', source: '1', lastupdated: '2024-09-26' } as const;

describe('Myinfo helpers', () => {
  it('turns person_info into plain values', () => {
    const person = toPlainPerson(samplePersonInfo() as PersonInfo);
    assert.deepEqual(person, {
      uinfin: 'S9000001B',
      name: 'SOH HAO FENG',
      sex: 'FEMALE',
      dob: '1998-06-06',
      nationality: 'SINGAPORE CITIZEN',
      residentialstatus: 'CITIZEN',
      email: 'hao.feng@example.com',
      mobileno: '+65 97399245',
      regadd: '102 BEDOK NORTH AVENUE 4\n#09-128 PEARL GARDEN\nSINGAPORE 460102',
      childrenbirthrecords: [{ birthcertno: 'T1512074B', name: 'SOH KAI XUAN', sex: 'FEMALE', dob: '2015-04-20', lifestatus: 'ALIVE' }],
    });
    assert.equal('hdbtype' in person, false, 'an unavailable item is left out');
  });

  it('reads value and coded items, and nothing from unavailable ones', () => {
    const info = samplePersonInfo() as PersonInfo;
    assert.equal(myinfoValue(info.name), 'SOH HAO FENG');
    assert.equal(myinfoCode(info.sex), 'F');
    assert.equal(myinfoDescription(info.sex), 'FEMALE');
    assert.equal(myinfoDescription({ ...meta, code: 'SG' }), 'SG');
    assert.equal(myinfoCode(info.hdbtype), undefined);
    assert.equal(myinfoValue({ ...meta, unavailable: true, value: 'stale' }), undefined);
    assert.equal(myinfoValue(undefined), undefined);
  });

  it('formats Singapore and foreign addresses', () => {
    assert.deepEqual(addressLines({ ...meta, type: 'SG', block: { value: '5' }, street: { value: 'JALAN BESAR' }, postal: { value: '208789' }, country: { code: 'SG', desc: 'SINGAPORE' }, floor: { value: '' }, unit: { value: '' } }), [
      '5 JALAN BESAR',
      'SINGAPORE 208789',
    ]);
    assert.equal(formatAddress({ ...meta, type: 'UNFORMATTED', line1: { value: '4578 SMITHFIELD AVENUE' }, line2: { value: 'HARTFORD CT 06120' } }, ', '), '4578 SMITHFIELD AVENUE, HARTFORD CT 06120');
    assert.equal(formatAddress({ ...meta, unavailable: true }), undefined);
    assert.equal(formatAddress({ ...meta, type: 'SG', postal: { value: '' } }), 'SINGAPORE');
  });

  it('formats mobile numbers', () => {
    const phone = { ...meta, prefix: { value: '+' }, areacode: { value: '65' }, nbr: { value: '9739 9245' } };
    assert.equal(formatMobileNumber(phone), '+65 97399245');
    assert.equal(formatMobileNumber(phone, 'e164'), '+6597399245');
    assert.equal(formatMobileNumber(phone, 'local'), '97399245');
    assert.equal(formatMobileNumber({ ...meta, nbr: { value: '' } }), undefined);
  });

  it('parses full and partial dates, and refuses impossible ones', () => {
    assert.deepEqual(parseMyinfoDate({ ...meta, value: '1998-06-06' }), { year: 1998, month: 6, day: 6, iso: '1998-06-06' });
    assert.deepEqual(parseMyinfoDate('1950-07'), { year: 1950, month: 7, iso: '1950-07' });
    assert.deepEqual(parseMyinfoDate('1942'), { year: 1942, iso: '1942' });
    for (const bad of ['1998-02-30', '1998-13', '06/06/1998', '']) assert.equal(parseMyinfoDate(bad), undefined, bad);
    assert.deepEqual(parseMyinfoDate('2000-02-29'), { year: 2000, month: 2, day: 29, iso: '2000-02-29' });
  });

  it('computes ages on Singapore’s calendar, and only when a partial date makes them certain', () => {
    // 2024-06-05T16:30Z is 00:30 on 6 June in Singapore: the birthday has come.
    const sixJune = new Date('2024-06-05T16:30:00Z');
    assert.equal(ageOn('1998-06-06', sixJune), 26);
    assert.equal(ageOn('1998-06-06', new Date('2024-06-05T15:30:00Z')), 25);
    assert.equal(ageOn('1950-07', sixJune), 73);
    assert.equal(ageOn('1950-06', sixJune), undefined, 'born some day in June: 73 or 74');
    assert.equal(ageOn('1942', new Date('2024-12-31T16:00:00Z')), undefined, '31 Dec 24:00 SGT is 1 Jan');
    assert.equal(ageOn('1942', new Date('2024-12-31T12:00:00Z')), 82);
  });

  it('splits legacy subs', () => {
    assert.deepEqual(parseLegacySub('s=S1234567A,u=1c0cee38-3a8f-4f8a-83bc-7a0e4c59d6a9'), { nric: 'S1234567A', uuid: '1c0cee38-3a8f-4f8a-83bc-7a0e4c59d6a9' });
    assert.deepEqual(parseLegacySub('u=abc'), { uuid: 'abc' });
    assert.deepEqual(parseLegacySub('s=Y4581892I,fid=G730Z-H5P96,coi=DE,u=xyz'), { nric: 'Y4581892I', fid: 'G730Z-H5P96', coi: 'DE', uuid: 'xyz' });
  });
});
