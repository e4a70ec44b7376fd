/**
 * Myinfo items as plain values: the value of a value item, the description of a coded one, an
 * address as lines, a phone number as `+65 97399245`, a date as its parts. An item the source
 * has no data for (`unavailable: true`) becomes `undefined`, never an empty string.
 */
import type { MyinfoAddress, MyinfoCoded, MyinfoCodedField, MyinfoField, MyinfoPhone, MyinfoValue, PersonInfo } from './types.js';

const META = new Set(['classification', 'source', 'lastupdated', 'unavailable']);

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const text = (field: MyinfoField | undefined): string => (typeof field?.value === 'string' ? field.value.trim() : '');

/** The item or field as an object with data, or undefined when absent or `unavailable`. */
function available(item: unknown): Record<string, unknown> | undefined {
  return isObject(item) && item.unavailable !== true ? item : undefined;
}

/** The value of a value item (`name`, `uinfin`, `email`…); undefined when absent or unavailable. */
export function myinfoValue<T>(item: MyinfoValue<T> | MyinfoField<T> | undefined): T | undefined {
  return available(item)?.value as T | undefined;
}

/** The code of a coded item (`sex` → `F`); undefined when absent or unavailable. */
export function myinfoCode(item: MyinfoCoded | MyinfoCodedField | undefined): string | undefined {
  const code = available(item)?.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** The description of a coded item (`sex` → `FEMALE`), or its code when it has no description. */
export function myinfoDescription(item: MyinfoCoded | MyinfoCodedField | undefined): string | undefined {
  const desc = available(item)?.desc;
  return typeof desc === 'string' && desc !== '' ? desc : myinfoCode(item);
}

/**
 * An address as the lines one writes on an envelope. Singapore (`type: "SG"`):
 * `["102 BEDOK NORTH AVENUE 4", "#09-128 PEARL GARDEN", "SINGAPORE 460102"]`;
 * unformatted (foreign): its `line1` and `line2`. Undefined when unavailable or empty.
 */
export function addressLines(address: MyinfoAddress | undefined): string[] | undefined {
  if (!isObject(address) || address.unavailable === true) return undefined;
  let lines: string[];
  if (address.type === 'SG' || (address.type === undefined && (address.postal || address.street || address.block))) {
    const unit = [text(address.floor), text(address.unit)];
    const unitLine = unit[0] || unit[1] ? `#${unit.filter(Boolean).join('-')}` : '';
    const country = myinfoDescription(address.country) ?? 'SINGAPORE';
    lines = [[text(address.block), text(address.street)].filter(Boolean).join(' '), [unitLine, text(address.building)].filter(Boolean).join(' '), [country, text(address.postal)].filter(Boolean).join(' ')];
  } else {
    lines = [text(address.line1), text(address.line2)];
  }
  lines = lines.filter((line) => line !== '');
  return lines.length > 0 ? lines : undefined;
}

/** An address on one string, its lines joined by `separator` (default a newline). */
export function formatAddress(address: MyinfoAddress | undefined, separator = '\n'): string | undefined {
  return addressLines(address)?.join(separator);
}

/**
 * A phone number: `international` (default) `+65 97399245`, `e164` `+6597399245`, or `local`
 * `97399245`. Undefined when unavailable or without a number.
 */
export function formatMobileNumber(phone: MyinfoPhone | undefined, style: 'international' | 'e164' | 'local' = 'international'): string | undefined {
  if (!isObject(phone) || phone.unavailable === true) return undefined;
  const nbr = text(phone.nbr).replace(/\s+/g, '');
  if (!nbr) return undefined;
  const area = text(phone.areacode).replace(/^\+/, '');
  if (style === 'local' || !area) return nbr;
  const prefix = text(phone.prefix) || '+';
  return style === 'e164' ? `${prefix}${area}${nbr}` : `${prefix}${area} ${nbr}`;
}

/** A Myinfo date: full (`1998-06-06`) or partial (`1950-07`, `1942`), as given and in parts. */
export interface MyinfoDate {
  year: number;
  /** 1–12, when known. */
  month?: number;
  /** 1–31, when known. */
  day?: number;
  /** The date as Myinfo sent it. */
  iso: string;
}

/** Parses a Myinfo date (`dob`, `passportexpirydate`…), full or partial; undefined when absent, unavailable or not a date. */
export function parseMyinfoDate(item: MyinfoValue | MyinfoField | string | undefined): MyinfoDate | undefined {
  const value = typeof item === 'string' ? item : myinfoValue(item);
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value.trim());
  if (!m) return undefined;
  const date: MyinfoDate = { year: Number(m[1]), iso: value.trim() };
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return undefined;
    date.month = month;
  }
  if (m[3] !== undefined) {
    const day = Number(m[3]);
    const daysInMonth = new Date(Date.UTC(date.year, date.month!, 0)).getUTCDate();
    if (day < 1 || day > daysInMonth) return undefined;
    date.day = day;
  }
  return date;
}

/**
 * Age in whole years on `on` (default: now; Singapore's calendar date) of someone born on `dob`.
 * For a partial date of birth (`1950-07`, `1942`): the age when every possible birthday in it
 * gives the same one, else undefined.
 */
export function ageOn(dob: MyinfoValue | MyinfoField | string | undefined, on: Date = new Date()): number | undefined {
  const born = parseMyinfoDate(dob);
  if (!born) return undefined;
  // Singapore's calendar date (UTC+8, no daylight saving).
  const sg = new Date(on.getTime() + 8 * 3_600_000);
  const today = { year: sg.getUTCFullYear(), month: sg.getUTCMonth() + 1, day: sg.getUTCDate() };
  const age = (month: number, day: number) => today.year - born.year - (today.month < month || (today.month === month && today.day < day) ? 1 : 0);
  const youngest = age(born.month ?? 12, born.day ?? 31);
  const oldest = age(born.month ?? 1, born.day ?? 1);
  return youngest === oldest ? youngest : undefined;
}

/** A record of fields (a child, a vehicle…) with each field as a plain value. */
export type PlainRecord = Record<string, unknown>;

/** `person_info` as plain values: see {@link toPlainPerson}. */
export interface PlainPerson {
  uinfin?: string;
  partialuinfin?: string;
  name?: string;
  aliasname?: string;
  hanyupinyinname?: string;
  hanyupinyinaliasname?: string;
  marriedname?: string;
  /** The description: `FEMALE`, `MALE`, `UNKNOWN`. */
  sex?: string;
  race?: string;
  secondaryrace?: string;
  dialect?: string;
  /** As sent: `YYYY-MM-DD`, or partial `YYYY-MM` / `YYYY` (see {@link parseMyinfoDate}). */
  dob?: string;
  birthcountry?: string;
  residentialstatus?: string;
  nationality?: string;
  passportnumber?: string;
  passportexpirydate?: string;
  passtype?: string;
  passstatus?: string;
  passexpirydate?: string;
  employmentsector?: string;
  /** `+65 97399245` */
  mobileno?: string;
  email?: string;
  /** Lines joined by newlines (see {@link addressLines}). */
  regadd?: string;
  mailadd?: string;
  billadd?: string;
  housingtype?: string;
  hdbtype?: string;
  hdbownership?: PlainRecord[];
  ownerprivate?: boolean;
  marital?: string;
  marriagedate?: string;
  divorcedate?: string;
  countryofmarriage?: string;
  marriagecertno?: string;
  childrenbirthrecords?: PlainRecord[];
  sponsoredchildrenrecords?: PlainRecord[];
  vehicles?: PlainRecord[];
  drivinglicence?: PlainRecord;
  occupation?: string;
  employment?: string;
  cpfbalances?: PlainRecord;
  'noa-basic'?: PlainRecord;
  [item: string]: unknown;
}

const isPhone = (x: Record<string, unknown>) => 'nbr' in x || 'areacode' in x;
const isAddress = (x: Record<string, unknown>) => x.type === 'SG' || x.type === 'UNFORMATTED' || 'postal' in x || 'line1' in x;

/** One item or field as a plain value (recursively for records and lists). */
export function plainValue(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(plainValue).filter((v) => v !== undefined);
  if (!isObject(x)) return x;
  if (x.unavailable === true) return undefined;
  const keys = Object.keys(x).filter((k) => !META.has(k));
  if (keys.length === 0) return undefined;
  if (keys.every((k) => k === 'value')) return x.value;
  if (keys.every((k) => k === 'code' || k === 'desc')) return myinfoDescription(x as MyinfoCodedField);
  if (isPhone(x)) return formatMobileNumber(x as unknown as MyinfoPhone);
  if (isAddress(x)) return formatAddress(x as unknown as MyinfoAddress);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = plainValue(x[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * `person_info` as plain values: `name` → `"TAN XIAO HUI"`, `sex` → `"FEMALE"` (a coded item
 * gives its description; use {@link myinfoCode} on the item for the code), `mobileno` →
 * `"+65 97399245"`, `regadd` → its lines joined by newlines, `dob` → `"1998-06-06"`, records
 * (children, vehicles…) → objects of plain fields. Unavailable items are left out.
 */
export function toPlainPerson(personInfo: PersonInfo): PlainPerson {
  const out: PlainPerson = {};
  for (const [item, data] of Object.entries(personInfo)) {
    const v = plainValue(data);
    if (v !== undefined) out[item] = v;
  }
  return out;
}
