/**
 * The sgID data catalog: every scope a client may request, what it means in words
 * (shown on the consent screen and in the portal) and the shape of its value.
 * Every value travels as a string; `format` says how to read that string.
 */

/** How a scope's string value is to be read. */
export type ScopeFormat =
  | 'text' // free text
  | 'date' // YYYY-MM-DD, YYYY-MM or YYYY
  | 'boolean' // "true" / "false"
  | 'number' // a decimal integer
  | 'json-array'; // stringified JSON array of records

export interface ScopeDefinition {
  /** The scope string as sent on the wire. */
  readonly scope: string;
  /** Short label, e.g. "Full name". */
  readonly label: string;
  /** One sentence a person understands, shown on the consent screen. */
  readonly description: string;
  readonly format: ScopeFormat;
  /** A realistic example value (as a string, like every value on the wire). */
  readonly example: string;
  /** Computed by the wallet from another field, never stored with the person. */
  readonly derivedFrom?: string;
  /** Granted to any client; every other data scope is for public-sector clients only. */
  readonly openToAll?: boolean;
}

const catalog = [
  { scope: 'openid', label: 'Sign-in', description: 'Confirm that it is you, with an identifier unique to this app.', format: 'text', example: '', openToAll: true },
  { scope: 'myinfo.name', label: 'Full name', description: 'Your full name as on your NRIC or FIN card.', format: 'text', example: 'Denise Tan Hui Min', openToAll: true },
  { scope: 'myinfo.nric_number', label: 'NRIC / FIN', description: 'Your NRIC or FIN number.', format: 'text', example: 'S9876543A' },
  { scope: 'myinfo.date_of_birth', label: 'Date of birth', description: 'Your date of birth (year and month only, or year only, when the day is not on record).', format: 'date', example: '1965-08-09' },
  { scope: 'myinfo.passport_number', label: 'Passport number', description: 'Your passport number.', format: 'text', example: 'E35463874W' },
  { scope: 'myinfo.passport_expiry_date', label: 'Passport expiry date', description: 'The date your passport expires.', format: 'date', example: '2030-08-09' },
  { scope: 'myinfo.mobile_number', label: 'Mobile number', description: 'Your registered mobile number, without the country code.', format: 'text', example: '87654321' },
  { scope: 'myinfo.mobile_number_with_country_code', label: 'Mobile number with country code', description: 'Your registered mobile number, with the country code.', format: 'text', example: '+65 81235678' },
  { scope: 'myinfo.email', label: 'Email address', description: 'Your registered email address.', format: 'text', example: 'sgid@open.gov.sg' },
  { scope: 'myinfo.registered_address', label: 'Registered address', description: 'Your address as registered with the government.', format: 'text', example: '102 BEDOK NORTH AVENUE 4\n#09-128\nSINGAPORE 460102' },
  { scope: 'myinfo.sex', label: 'Sex', description: 'Your sex as on record.', format: 'text', example: 'MALE' },
  { scope: 'myinfo.race', label: 'Race', description: 'Your race as on record.', format: 'text', example: 'MALAY' },
  { scope: 'myinfo.nationality', label: 'Nationality', description: 'Your nationality.', format: 'text', example: 'SINGAPOREAN' },
  { scope: 'myinfo.residentialstatus', label: 'Residential status', description: 'Your residential status in Singapore (citizen, permanent resident, alien…).', format: 'text', example: 'SINGAPORE CITIZEN' },
  { scope: 'myinfo.housingtype', label: 'Housing type', description: 'The type of housing at your registered address.', format: 'text', example: 'HDB' },
  { scope: 'myinfo.hdbtype', label: 'HDB flat type', description: 'The type of HDB flat at your registered address.', format: 'text', example: '4-ROOM FLAT (HDB)' },
  { scope: 'myinfo.birth_country', label: 'Country of birth', description: 'The country where you were born.', format: 'text', example: 'SINGAPORE' },
  { scope: 'myinfo.vehicles', label: 'Vehicles', description: 'The numbers of vehicles registered to you.', format: 'json-array', example: '[{"vehicle_number":"SBA1234A"}]' },
  { scope: 'myinfo.name_of_employer', label: 'Employer', description: 'The name of your employer, from your work pass (MOM).', format: 'text', example: 'GovTech' },
  { scope: 'myinfo.workpass_status', label: 'Work pass status', description: 'The status of your work pass (MOM).', format: 'text', example: 'Active' },
  { scope: 'myinfo.workpass_expiry_date', label: 'Work pass expiry date', description: 'The date your work pass expires (MOM).', format: 'date', example: '2025-12-04' },
  { scope: 'myinfo.marital_status', label: 'Marital status', description: 'Your marital status.', format: 'text', example: 'SINGLE' },
  { scope: 'myinfo.dialect', label: 'Dialect', description: 'Your dialect group.', format: 'text', example: 'TEO CHEW' },
  { scope: 'myinfo.occupation', label: 'Occupation', description: 'Your occupation.', format: 'text', example: 'ACCOUNTANT' },
  { scope: 'myinfo.country_of_marriage', label: 'Country of marriage', description: 'The country where you were married.', format: 'text', example: 'SINGAPORE' },
  { scope: 'myinfo.marriage_certificate_number', label: 'Marriage certificate number', description: 'The number of your marriage certificate.', format: 'text', example: '35678' },
  { scope: 'myinfo.marriage_date', label: 'Marriage date', description: 'The date you were married.', format: 'date', example: '2025-12-04' },
  { scope: 'myinfo.divorce_date', label: 'Divorce date', description: 'The date of your divorce.', format: 'date', example: '2025-12-04' },
  { scope: 'myinfo.children_birth_records', label: "Children's birth records", description: 'Birth records of your children (citizens and permanent residents only).', format: 'json-array', example: '[]' },
  { scope: 'myinfo.sponsored_children_records', label: 'Sponsored children records', description: 'Records of children you sponsor (citizens, PRs and long-term visit pass holders).', format: 'json-array', example: '[]' },
  { scope: 'myinfo.nric_last_four_characters', label: 'Last four characters of NRIC / FIN', description: 'Your NRIC or FIN with all but the last four characters masked.', format: 'text', example: '*****123A', derivedFrom: 'myinfo.nric_number' },
  { scope: 'myinfo.is_age_above_18', label: 'Aged 18 or above', description: 'Whether you are 18 years old or older today (not your date of birth).', format: 'boolean', example: 'true', derivedFrom: 'myinfo.date_of_birth' },
  { scope: 'myinfo.is_age_above_21', label: 'Aged 21 or above', description: 'Whether you are 21 years old or older today (not your date of birth).', format: 'boolean', example: 'true', derivedFrom: 'myinfo.date_of_birth' },
  { scope: 'pocdex.public_officer_details', label: 'Public officer details', description: 'Your employment details as a public officer: work email, agency, department, title.', format: 'json-array', example: '[]' },
  { scope: 'pocdex.number_of_employments', label: 'Number of public-sector employments', description: 'How many public-sector employments you hold.', format: 'number', example: '1' },
] as const satisfies readonly ScopeDefinition[];

/** Every scope of the catalog, `openid` first. */
export const SCOPES: readonly ScopeDefinition[] = catalog;

/** A scope name of the catalog. */
export type ScopeName = (typeof catalog)[number]['scope'];

/** A data scope: every scope but `openid`. */
export type DataScopeName = Exclude<ScopeName, 'openid'>;

const byName = new Map<string, ScopeDefinition>(catalog.map((s) => [s.scope, s]));

/** The catalog entry for a scope, or undefined when the scope is unknown. */
export function getScope(scope: string): ScopeDefinition | undefined {
  return byName.get(scope);
}

/** Whether `scope` is a scope of the catalog. */
export function isKnownScope(scope: string): scope is ScopeName {
  return byName.has(scope);
}

/** All data scopes (everything but `openid`), in catalog order. */
export const DATA_SCOPES: readonly DataScopeName[] = catalog
  .map((s) => s.scope)
  .filter((s): s is DataScopeName => s !== 'openid');

/** The scopes that every client may request (sgID: non-public-sector clients get only these). */
export const DEFAULT_CLIENT_SCOPES: readonly ScopeName[] = catalog
  .filter((s) => 'openToAll' in s && s.openToAll)
  .map((s) => s.scope);

/**
 * Splits a space-separated scope string the way RFC 6749 §3.3 defines it: tokens separated
 * by single spaces. Empty tokens (double spaces) are dropped; duplicates are kept once.
 */
export function parseScopeString(scope: string): string[] {
  return [...new Set(scope.split(' ').filter((s) => s.length > 0))];
}
