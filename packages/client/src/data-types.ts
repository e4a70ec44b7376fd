/**
 * Typed data: what each scope's value becomes after {@link parseData}. Every value travels as a
 * string (SPEC.md, "Data catalog"); the stringified-JSON scopes parse to arrays of records, and
 * with `{ booleans: true }` the age flags become booleans.
 */
import type { DataScopeName } from 'sgid-protocol';
import { MESSAGES, SgidConfigError } from './errors.js';
import type { ParsedSgidDataValue } from './types.js';
import { isSgidUserinfoObject, isStringifiedArrayOrObject, safeJsonParse } from './util.js';

/** One entry of `myinfo.vehicles`. */
export interface SgidVehicle {
  vehicle_number: string;
}

/** One entry of `myinfo.children_birth_records`. */
export interface SgidChildBirthRecord {
  birth_cert_no: string;
  name: string;
  date_of_birth: string;
  sex: string;
  race: string;
  life_status: string;
  secondary_race: string;
  vaccination_requirements: { fulfilled: string | boolean; requirement: string }[];
  is_sg_citizen_at_birth: string;
}

/** One entry of `myinfo.sponsored_children_records`. */
export interface SgidSponsoredChildRecord {
  nric: string;
  name: string;
  date_of_birth: string;
  sex: string;
  race: string;
  life_status: string;
  nationality: string;
  residential_status: string;
  secondary_race: string;
}

/** One entry of `pocdex.public_officer_details`. */
export interface SgidPublicOfficerDetail {
  work_email: string;
  agency_name: string;
  department_name: string;
  employment_type: string;
  employment_title: string;
}

/** The scopes whose value is a stringified JSON array, and the record type of its entries. */
export interface SgidJsonScopeTypes {
  'myinfo.vehicles': SgidVehicle[];
  'myinfo.children_birth_records': SgidChildBirthRecord[];
  'myinfo.sponsored_children_records': SgidSponsoredChildRecord[];
  'pocdex.public_officer_details': SgidPublicOfficerDetail[];
}

/** The age flags, strings `"true"`/`"false"` on the wire. */
export type SgidBooleanScope = 'myinfo.is_age_above_18' | 'myinfo.is_age_above_21';

/** Options of {@link parseData}. */
export interface ParseDataOptions {
  /**
   * Turn the age flags into booleans: `"true"` → `true`, anything else (`"false"`, MockPass's
   * `"NA"`) → `false`. Default false: they stay strings, as in the official SDK.
   */
  booleans?: boolean;
}

/** The type of a scope's value after parsing, given the options. */
export type SgidScopeValue<K extends string, O extends ParseDataOptions = {}> = K extends keyof SgidJsonScopeTypes
  ? SgidJsonScopeTypes[K]
  : K extends SgidBooleanScope
    ? O extends { booleans: true }
      ? boolean
      : string
    : K extends DataScopeName
      ? string
      : ParsedSgidDataValue;

/**
 * The scope-to-type map: parsed userinfo data. Known scopes have their precise type; any other
 * key is a {@link ParsedSgidDataValue}, so the object is still assignable to the official
 * `Record<string, ParsedSgidDataValue>` (without `booleans`).
 */
export type SgidParsedData<O extends ParseDataOptions = {}> = {
  [K in DataScopeName]?: SgidScopeValue<K, O>;
} & Record<string, O extends { booleans: true } ? ParsedSgidDataValue | boolean : ParsedSgidDataValue>;

const BOOLEAN_SCOPES: ReadonlySet<string> = new Set<SgidBooleanScope>(['myinfo.is_age_above_18', 'myinfo.is_age_above_21']);

/**
 * Parses userinfo data: values that are stringified JSON arrays or objects are parsed, the rest
 * are left as strings (the official SDK's behaviour); with `{ booleans: true }` the age flags
 * become booleans. The result is typed per scope ({@link SgidParsedData}).
 * @param data The `data` object returned by `userinfo`.
 * @param options See {@link ParseDataOptions}.
 * @throws {SgidConfigError} `ERR_INVALID_USERINFO_DATA` when `data` is not an object of strings.
 */
export function parseData<O extends ParseDataOptions = {}>(data: unknown, options?: O): SgidParsedData<O> {
  if (!isSgidUserinfoObject(data)) {
    throw new SgidConfigError(
      'ERR_INVALID_USERINFO_DATA',
      MESSAGES.INVALID_USERINFO_DATA,
      'Pass the `data` object returned by userinfo() (an object whose values are all strings).',
    );
  }
  const result: Record<string, ParsedSgidDataValue | boolean> = {};
  for (const key of Object.keys(data)) {
    const value = data[key]!;
    if (options?.booleans && BOOLEAN_SCOPES.has(key)) result[key] = value === 'true';
    else result[key] = isStringifiedArrayOrObject(value) ? safeJsonParse(value) : value;
  }
  return result as SgidParsedData<O>;
}
