/**
 * Myinfo v5 objects derived from a persona: the same record that gives sgID its strings gives
 * Singpass its `person_info` items and ID-token `sub_attributes`, so the two can never
 * disagree. Text becomes `{value}`, coded text `{code, desc}` (myinfo-codes.ts), the address
 * its parts, the mobile number its prefix, area code and number.
 */
import type {
  MyinfoAddressItem,
  MyinfoChildBirthRecord,
  MyinfoCode,
  MyinfoEnvelope,
  MyinfoItemName,
  MyinfoPhone,
  MyinfoSource,
  MyinfoSponsoredChildRecord,
  MyinfoVehicle,
  PersonInfo,
  SubAttributes,
} from 'sgid-protocol';
import { getMyinfoItem } from 'sgid-protocol';
import type { CodeTable } from './myinfo-codes.js';
import {
  COUNTRY,
  DIALECT,
  HDB_TYPE,
  HOUSING_TYPE,
  LIFE_STATUS,
  MARITAL,
  NATIONALITY,
  RACE,
  RESIDENTIAL_STATUS,
  SEX,
  codeFor,
} from './myinfo-codes.js';
import { describeDate, maskNric } from './derive.js';
import type { Persona } from './types.js';

/**
 * When the records were last updated, as Myinfo reports it per item. Test data has no history:
 * one fixed date keeps answers reproducible.
 */
export const LAST_UPDATED = '2024-09-26';

type Values = Persona['values'];

const envelope = (source: MyinfoSource = '1'): MyinfoEnvelope => ({ lastupdated: LAST_UPDATED, source, classification: 'C' });

/** An item the person has no record of: the envelope with `unavailable: true` and no body. */
export const unavailable = (): MyinfoEnvelope => ({ lastupdated: '', source: '1', classification: 'C', unavailable: true });

const text = (value: string) => ({ value });

function coded(t: CodeTable, value: string | undefined, source: MyinfoSource = '1'): (MyinfoEnvelope & MyinfoCode) | MyinfoEnvelope {
  const code = value === undefined ? undefined : codeFor(t, value);
  return code ? { ...code, ...envelope(source) } : unavailable();
}

function valueItem(value: string | undefined, source: MyinfoSource = '1') {
  return value === undefined || value === '' ? unavailable() : { value, ...envelope(source) };
}

/**
 * Singapore addresses as sgID writes them — "BLOCK STREET", optionally "#FLOOR-UNIT", an
 * optional building line, then "SINGAPORE NNNNNN" — split into Myinfo's parts. Anything else is
 * an UNFORMATTED address (first line, then the rest).
 */
export function myinfoAddress(address: string): MyinfoAddressItem {
  const lines = address.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const postal = /^SINGAPORE (\d{6})$/.exec(lines.at(-1) ?? '');
  const first = /^(\d+[A-Z]?)\s+(.+)$/.exec(lines[0] ?? '');
  if (postal && first && lines.length >= 2 && lines.length <= 4) {
    const middle = lines.slice(1, -1);
    const unitLine = middle.length > 0 ? /^#(\d{1,3})-(\d{1,5}[A-Z]?)$/.exec(middle[0]!) : null;
    const building = unitLine ? middle.slice(1) : middle;
    if (building.length <= 1) {
      return {
        type: 'SG',
        block: text(first[1]!),
        building: text(building[0] ?? ''),
        floor: text(unitLine?.[1] ?? ''),
        unit: text(unitLine?.[2] ?? ''),
        street: text(first[2]!),
        postal: text(postal[1]!),
        country: { code: 'SG', desc: 'SINGAPORE' },
        ...envelope(),
      };
    }
  }
  return { type: 'UNFORMATTED', line1: text(lines[0] ?? ''), line2: text(lines.slice(1).join(', ')), ...envelope() };
}

/** "+65 91234567" (or a bare Singapore number) → prefix, area code, number. */
export function myinfoPhone(values: Values): (MyinfoEnvelope & MyinfoPhone) | MyinfoEnvelope {
  const withCode = values['myinfo.mobile_number_with_country_code'];
  const match = withCode ? /^\+(\d{1,4})\s*(\d+)$/.exec(withCode.replace(/[-\s]+(?=\d)/g, ' ').trim()) : null;
  const [areacode, nbr] = match ? [match[1]!, match[2]!] : ['65', values['myinfo.mobile_number']];
  if (nbr === undefined) return unavailable();
  return { prefix: text('+'), areacode: text(areacode), nbr: text(nbr), ...envelope('2') };
}

function parseRecords(json: string | undefined): Record<string, unknown>[] | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : undefined;
  } catch {
    return undefined;
  }
}

const str = (r: Record<string, unknown>, key: string): string => (typeof r[key] === 'string' ? (r[key] as string) : '');
const codeOrBlank = (t: CodeTable, value: string): MyinfoCode => (value === '' ? { code: '', desc: '' } : codeFor(t, value) ?? { code: '', desc: value });

function childBirthRecord(r: Record<string, unknown>): MyinfoChildBirthRecord {
  const reqs = Array.isArray(r['vaccination_requirements']) ? (r['vaccination_requirements'] as Record<string, unknown>[]) : [];
  const citizen = str(r, 'is_sg_citizen_at_birth');
  return {
    birthcertno: text(str(r, 'birth_cert_no')),
    name: text(str(r, 'name')),
    dob: text(str(r, 'date_of_birth')),
    sex: codeOrBlank(SEX, str(r, 'sex')),
    race: codeOrBlank(RACE, str(r, 'race')),
    secondaryrace: codeOrBlank(RACE, str(r, 'secondary_race')),
    lifestatus: codeOrBlank(LIFE_STATUS, str(r, 'life_status')),
    vaccinationrequirements: reqs.map((q) => ({
      requirement: { code: '1M3D', desc: str(q, 'requirement').toUpperCase() },
      fulfilled: { value: str(q, 'fulfilled').toUpperCase() === 'TRUE' },
    })),
    sgcitizenatbirthind: { value: citizen === 'Y' || citizen === 'N' ? citizen : '' },
    ...envelope(),
  };
}

function sponsoredChildRecord(r: Record<string, unknown>): MyinfoSponsoredChildRecord {
  return {
    nric: text(str(r, 'nric')),
    name: text(str(r, 'name')),
    dob: text(str(r, 'date_of_birth')),
    sex: codeOrBlank(SEX, str(r, 'sex')),
    race: codeOrBlank(RACE, str(r, 'race')),
    secondaryrace: codeOrBlank(RACE, str(r, 'secondary_race')),
    lifestatus: codeOrBlank(LIFE_STATUS, str(r, 'life_status')),
    nationality: codeOrBlank(NATIONALITY, str(r, 'nationality')),
    residentialstatus: codeOrBlank(RESIDENTIAL_STATUS, str(r, 'residential_status')),
    ...envelope(),
  };
}

/** sgID's work pass status in Myinfo's words. */
const PASS_STATUS: Readonly<Record<string, string>> = { ACTIVE: 'Live', LIVE: 'Live', EXPIRED: 'Expired', CANCELLED: 'Cancelled' };

/** One Myinfo item for `persona`; undefined for an item this catalog does not have. */
export function myinfoItem(persona: Persona, item: string): PersonInfo[MyinfoItemName] | undefined {
  if (getMyinfoItem(item) === undefined) return undefined;
  const v = persona.values;
  const uinfin = v['myinfo.nric_number'] ?? persona.id;
  switch (item as MyinfoItemName) {
    case 'uinfin':
      return valueItem(uinfin);
    case 'partialuinfin':
      return valueItem(maskNric(uinfin));
    case 'name':
      return valueItem(v['myinfo.name']);
    case 'sex':
      return coded(SEX, v['myinfo.sex']);
    case 'race':
      return coded(RACE, v['myinfo.race']);
    case 'dialect':
      return coded(DIALECT, v['myinfo.dialect']);
    case 'nationality':
      return coded(NATIONALITY, v['myinfo.nationality']);
    case 'dob':
      return valueItem(v['myinfo.date_of_birth']);
    case 'birthcountry':
      return coded(COUNTRY, v['myinfo.birth_country']);
    case 'residentialstatus':
      return coded(RESIDENTIAL_STATUS, v['myinfo.residentialstatus']);
    case 'passportnumber':
      return valueItem(v['myinfo.passport_number']);
    case 'passportexpirydate':
      return valueItem(v['myinfo.passport_expiry_date']);
    case 'regadd': {
      const address = v['myinfo.registered_address'];
      return address === undefined ? unavailable() : myinfoAddress(address);
    }
    case 'housingtype':
      // HDB dwellers have an HDB type, and no private housing type.
      return v['myinfo.housingtype']?.toUpperCase() === 'HDB' ? unavailable() : coded(HOUSING_TYPE, v['myinfo.housingtype']);
    case 'hdbtype':
      return coded(HDB_TYPE, v['myinfo.hdbtype']);
    case 'email':
      return valueItem(v['myinfo.email'], '2');
    case 'mobileno':
      return myinfoPhone(v);
    case 'marital':
      return coded(MARITAL, v['myinfo.marital_status']);
    case 'marriagecertno':
      return valueItem(v['myinfo.marriage_certificate_number']);
    case 'countryofmarriage':
      return coded(COUNTRY, v['myinfo.country_of_marriage']);
    case 'marriagedate':
      return valueItem(v['myinfo.marriage_date']);
    case 'divorcedate':
      return valueItem(v['myinfo.divorce_date']);
    case 'childrenbirthrecords':
      return (parseRecords(v['myinfo.children_birth_records']) ?? []).map(childBirthRecord);
    case 'sponsoredchildrenrecords':
      return (parseRecords(v['myinfo.sponsored_children_records']) ?? []).map(sponsoredChildRecord);
    case 'occupation': {
      // Free text, as a person states it: no SSOC code.
      const occupation = v['myinfo.occupation'];
      return occupation === undefined ? unavailable() : { code: '', desc: occupation, ...envelope('2') };
    }
    case 'employment':
      return valueItem(v['myinfo.name_of_employer']);
    case 'passstatus': {
      const status = v['myinfo.workpass_status'];
      return status === undefined ? unavailable() : valueItem(PASS_STATUS[status.toUpperCase()] ?? status);
    }
    case 'passexpirydate':
      return valueItem(v['myinfo.workpass_expiry_date']);
    case 'vehicles':
      return (parseRecords(v['myinfo.vehicles']) ?? []).map(
        (r): MyinfoVehicle => ({ vehicleno: text(str(r, 'vehicle_number')), ...envelope() }),
      );
    // Not in sgID's catalog, so not in the persona record: "not on record".
    case 'aliasname':
    case 'hanyupinyinname':
    case 'hanyupinyinaliasname':
    case 'marriedname':
    case 'secondaryrace':
    case 'passtype':
      return unavailable();
  }
}

/** `person_info` with exactly the requested items (unknown names and `openid` are skipped). */
export function personInfo(persona: Persona, items: readonly string[]): PersonInfo {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (Object.hasOwn(out, item)) continue;
    const value = myinfoItem(persona, item);
    if (value !== undefined) out[item] = value;
  }
  return out as PersonInfo;
}

/**
 * The ID token's `sub_attributes` for the requested scopes (Login-app scopes `user.identity`,
 * `name`, `email`, `mobileno`; the same names requested by a Myinfo app count too). Undefined
 * when none of them was requested. `name`, `email` and `mobileno` are left out when not on record, and
 * `mobileno` when the number is not a Singapore one.
 */
export function subAttributes(persona: Persona, scopes: readonly string[]): SubAttributes | undefined {
  const out: SubAttributes = {};
  const v = persona.values;
  if (scopes.includes('user.identity')) {
    out.account_type = 'standard';
    out.identity_number = v['myinfo.nric_number'] ?? persona.id;
    out.identity_coi = 'SG';
  }
  if (scopes.includes('name') && v['myinfo.name'] !== undefined) out.name = v['myinfo.name'];
  if (scopes.includes('email') && v['myinfo.email'] !== undefined) out.email = v['myinfo.email'];
  if (scopes.includes('mobileno')) {
    const phone = myinfoPhone(v);
    if ('nbr' in phone && phone.areacode.value === '65') out.mobileno = phone.nbr.value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A Myinfo item in words for the consent screen: what the person is about to share. */
export function describeMyinfo(item: string, value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return 'None';
    if (item === 'vehicles') return value.map((v: MyinfoVehicle) => v.vehicleno.value).join(', ');
    const names = value.map((r: { name?: { value?: string } }) => r.name?.value ?? '?');
    return `${value.length} record${value.length === 1 ? '' : 's'}: ${names.join(', ')}`;
  }
  const v = value as Record<string, unknown> & MyinfoEnvelope;
  if (v.unavailable) return 'Not on record';
  const shape = getMyinfoItem(item)?.shape;
  if (shape === 'address') {
    const a = v as unknown as MyinfoAddressItem & Record<string, { value?: string }>;
    if (a.type === 'UNFORMATTED') return [a['line1']?.value, a['line2']?.value].filter(Boolean).join(', ');
    const unit = a['floor']?.value ? `#${a['floor'].value}-${a['unit']?.value ?? ''}` : '';
    return [`${a['block']?.value ?? ''} ${a['street']?.value ?? ''}`.trim(), unit, a['building']?.value, `SINGAPORE ${a['postal']?.value ?? ''}`]
      .filter((x) => x)
      .join(', ');
  }
  if (shape === 'phone') {
    const p = v as unknown as MyinfoPhone;
    return `${p.prefix.value}${p.areacode.value} ${p.nbr.value}`;
  }
  if (shape === 'code') return String(v['desc'] ?? '');
  if (shape === 'date') return describeDate(String(v['value'] ?? ''));
  return String(v['value'] ?? '');
}
