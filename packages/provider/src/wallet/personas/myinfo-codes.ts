/**
 * The Myinfo code tables behind the coded items (`{code, desc}`), for the values a persona's
 * text can hold. sgID sends the description as text; Myinfo v5 sends the code and the
 * description. Each row: code, Myinfo's description, then other spellings the same value has
 * in sgID (e.g. sgID's "SINGAPOREAN" is Myinfo nationality SG, "SINGAPORE CITIZEN").
 *
 * Closed tables (sex, residential status, marital status, housing and HDB types) list every
 * value; a persona file with another value is refused. Open tables (race, dialect, country,
 * nationality) hold the common values; any other text is sent as code "XX" (Myinfo's
 * OTHERS) with the text as its description.
 */
import type { MyinfoCode } from 'sgid-protocol';

type Row = readonly [code: string, desc: string, ...aliases: string[]];

export interface CodeTable {
  readonly name: string;
  /** Closed: every value is listed, and no other is accepted. */
  readonly closed: boolean;
  readonly rows: readonly Row[];
}

const table = (name: string, closed: boolean, rows: readonly Row[]): CodeTable => ({ name, closed, rows });

export const SEX = table('sex', true, [
  ['M', 'MALE'],
  ['F', 'FEMALE'],
  ['U', 'UNKNOWN'],
]);

export const RESIDENTIAL_STATUS = table('residential status', true, [
  ['C', 'CITIZEN', 'SINGAPORE CITIZEN'],
  ['P', 'PR', 'PERMANENT RESIDENT'],
  ['A', 'ALIEN', 'FOREIGNER'],
  ['U', 'UNKNOWN'],
  ['N', 'NOT APPLICABLE'],
]);

export const MARITAL = table('marital status', true, [
  ['1', 'SINGLE'],
  ['2', 'MARRIED'],
  ['3', 'WIDOWED'],
  ['5', 'DIVORCED'],
]);

/** Private housing only; HDB dwellers have an HDB type instead ("HDB" in sgID). */
export const HOUSING_TYPE = table('housing type', true, [
  ['121', 'DETACHED HOUSE'],
  ['122', 'SEMI-DETACHED HOUSE'],
  ['123', 'TERRACE HOUSE'],
  ['131', 'CONDOMINIUM'],
  ['132', 'EXECUTIVE CONDOMINIUM'],
  ['139', 'APARTMENT'],
]);

export const HDB_TYPE = table('HDB type', true, [
  ['111', '1-ROOM FLAT (HDB)'],
  ['112', '2-ROOM FLAT (HDB)'],
  ['113', '3-ROOM FLAT (HDB)'],
  ['114', '4-ROOM FLAT (HDB)'],
  ['115', '5-ROOM FLAT (HDB)'],
  ['116', 'EXECUTIVE FLAT (HDB)'],
  ['118', 'STUDIO APARTMENT (HDB)'],
]);

export const LIFE_STATUS = table('life status', true, [
  ['A', 'ALIVE'],
  ['D', 'DECEASED'],
]);

export const RACE = table('race', false, [
  ['CN', 'CHINESE'],
  ['MY', 'MALAY'],
  ['IN', 'INDIAN'],
  ['EU', 'EURASIAN'],
  ['CA', 'CAUCASIAN'],
  ['AR', 'ARAB'],
  ['BD', 'BANGLADESHI'],
  ['BU', 'BURMESE'],
  ['BY', 'BOYANESE'],
  ['ID', 'INDONESIAN'],
  ['JA', 'JAVANESE'],
  ['JP', 'JAPANESE'],
  ['KR', 'KOREAN'],
  ['LK', 'SRI LANKAN'],
  ['MM', 'MALAYALEE'],
  ['PH', 'FILIPINO'],
  ['PJ', 'PUNJABI'],
  ['PK', 'PAKISTANI'],
  ['SK', 'SIKH'],
  ['TH', 'THAI'],
  ['TM', 'TAMIL'],
  ['VN', 'VIETNAMESE'],
  ['XX', 'OTHERS'],
  ['UN', 'UNKNOWN'],
]);

export const DIALECT = table('dialect', false, [
  ['HK', 'HOKKIEN'],
  ['TC', 'TEOCHEW', 'TEO CHEW'],
  ['CT', 'CANTONESE'],
  ['HC', 'HAKKA'],
  ['HN', 'HAINANESE'],
  ['HI', 'HOCKCHIA'],
  ['FO', 'FOOCHOW'],
  ['HH', 'HENGHUA'],
  ['SH', 'SHANGHAINESE'],
  ['MN', 'MANDARIN'],
  ['MY', 'MALAY'],
  ['JA', 'JAVANESE'],
  ['BY', 'BOYANESE'],
  ['TM', 'TAMIL'],
  ['MM', 'MALAYALAM'],
  ['PJ', 'PUNJABI'],
  ['HD', 'HINDI'],
  ['EL', 'ENGLISH'],
  ['VN', 'VIETNAMESE'],
  ['XX', 'OTHERS'],
  ['UN', 'UNKNOWN'],
]);

/** Countries (birth country, country of marriage, address country). Myinfo's codes, not always ISO's. */
export const COUNTRY = table('country', false, [
  ['SG', 'SINGAPORE'],
  ['MY', 'MALAYSIA'],
  ['CN', 'CHINA'],
  ['IN', 'INDIA'],
  ['ID', 'INDONESIA'],
  ['PH', 'PHILIPPINES'],
  ['TH', 'THAILAND'],
  ['VN', 'VIETNAM'],
  ['BU', 'MYANMAR'],
  ['KA', 'CAMBODIA'],
  ['BN', 'BRUNEI'],
  ['HK', 'HONG KONG'],
  ['TW', 'TAIWAN'],
  ['JP', 'JAPAN'],
  ['KR', 'KOREA, SOUTH'],
  ['BD', 'BANGLADESH'],
  ['LK', 'SRI LANKA'],
  ['PK', 'PAKISTAN'],
  ['AU', 'AUSTRALIA'],
  ['NZ', 'NEW ZEALAND'],
  ['GB', 'UNITED KINGDOM'],
  ['US', 'UNITED STATES'],
  ['CA', 'CANADA'],
  ['DG', 'GERMANY'],
  ['FR', 'FRANCE'],
  ['NL', 'NETHERLANDS'],
  ['IT', 'ITALY'],
  ['ES', 'SPAIN'],
  ['CH', 'SWITZERLAND'],
  ['XX', 'OTHERS'],
  ['UN', 'UNKNOWN'],
]);

/** Nationalities: the same codes as the countries, with the citizenship as description. */
export const NATIONALITY = table('nationality', false, [
  ['SG', 'SINGAPORE CITIZEN', 'SINGAPOREAN'],
  ['MY', 'MALAYSIAN'],
  ['CN', 'CHINESE'],
  ['IN', 'INDIAN'],
  ['ID', 'INDONESIAN'],
  ['PH', 'FILIPINO'],
  ['TH', 'THAI'],
  ['VN', 'VIETNAMESE'],
  ['BU', 'MYANMAR'],
  ['KA', 'CAMBODIAN'],
  ['BN', 'BRUNEIAN'],
  ['HK', 'HONG KONG'],
  ['TW', 'TAIWANESE'],
  ['JP', 'JAPANESE'],
  ['KR', 'KOREAN, SOUTH', 'KOREAN', 'SOUTH KOREAN'],
  ['BD', 'BANGLADESHI'],
  ['LK', 'SRI LANKAN'],
  ['PK', 'PAKISTANI'],
  ['AU', 'AUSTRALIAN'],
  ['NZ', 'NEW ZEALANDER'],
  ['GB', 'BRITISH'],
  ['US', 'AMERICAN'],
  ['CA', 'CANADIAN'],
  ['DG', 'GERMAN'],
  ['FR', 'FRENCH'],
  ['NT', 'NETHERLANDS', 'DUTCH'],
  ['IT', 'ITALIAN'],
  ['ES', 'SPANISH'],
  ['CH', 'SWISS'],
  ['UN', 'UNKNOWN'],
]);

const normalise = (text: string): string => text.trim().toUpperCase().replace(/\s+/g, ' ');

const indexes = new WeakMap<CodeTable, Map<string, MyinfoCode>>();

function index(t: CodeTable): Map<string, MyinfoCode> {
  let found = indexes.get(t);
  if (!found) {
    found = new Map();
    for (const [code, desc, ...aliases] of t.rows) {
      for (const text of [desc, ...aliases]) found.set(normalise(text), { code, desc });
    }
    indexes.set(t, found);
  }
  return found;
}

/**
 * The `{code, desc}` of a text value: the table's entry, or for an open table `XX` (OTHERS)
 * with the text as description. Undefined for a value a closed table does not have.
 */
export function codeFor(t: CodeTable, text: string): MyinfoCode | undefined {
  const hit = index(t).get(normalise(text));
  if (hit) return hit;
  return t.closed ? undefined : { code: 'XX', desc: normalise(text) };
}

/** The values a table accepts, for error messages. */
export function acceptedValues(t: CodeTable): string[] {
  return t.rows.map(([, desc]) => desc);
}
