/**
 * What the wallet releases for a set of requested scopes, and how a value reads on the
 * consent screen.
 */
import { getScope } from 'sgid-protocol';
import type { Persona } from './types.js';
import { isAgeAtLeast, parseCalendarDate } from './dates.js';

/** What sgID (and MockPass) send for a field that is not on record. */
export const NOT_ON_RECORD = 'NA';

/** `S1234567A` → `*****567A`: only the last four characters stay readable. */
export function maskNric(id: string): string {
  return id.length <= 4 ? id : '*'.repeat(id.length - 4) + id.slice(-4);
}

function ageGate(persona: Persona, years: number, today: Date): string {
  const dob = persona.values['myinfo.date_of_birth'];
  if (dob === undefined) return NOT_ON_RECORD;
  const ok = isAgeAtLeast(dob, years, today);
  return ok === undefined ? NOT_ON_RECORD : String(ok);
}

/** The NRIC/FIN the persona releases: a stored value wins, the id is the fallback. */
function nricOf(persona: Persona): string {
  return persona.values['myinfo.nric_number'] ?? persona.id;
}

/**
 * The value of one data scope for `persona` on `today`: the stored value, the derived one,
 * or "NA" when it is not on record. Undefined for `openid` and unknown scopes.
 */
export function releaseValue(persona: Persona, scope: string, today: Date): string | undefined {
  const def = getScope(scope);
  if (def === undefined || scope === 'openid') return undefined;
  switch (scope) {
    case 'myinfo.nric_number':
      return nricOf(persona);
    case 'myinfo.nric_last_four_characters':
      return maskNric(nricOf(persona));
    case 'myinfo.is_age_above_18':
      return ageGate(persona, 18, today);
    case 'myinfo.is_age_above_21':
      return ageGate(persona, 21, today);
  }
  // The cast is safe: getScope() just confirmed `scope` is a catalog data scope.
  return persona.values[scope as keyof Persona['values']] ?? NOT_ON_RECORD;
}

/**
 * The values released for `scopes` (in request order, each once): every requested data scope
 * gets a string, "NA" when not on record, because that is what sgID sends; `openid` and
 * unknown scopes are skipped (scope checks belong to the authorize endpoint, not here).
 */
export function releaseValues(persona: Persona, scopes: readonly string[], today: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const scope of scopes) {
    if (Object.hasOwn(out, scope)) continue;
    const value = releaseValue(persona, scope, today);
    if (value !== undefined) out[scope] = value;
  }
  return out;
}

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

/** `1985-06-15` → "15 June 1985", `1950-07` → "July 1950", `1942` → "1942". */
export function describeDate(value: string): string {
  const d = parseCalendarDate(value);
  if (d === undefined) return value;
  const month = d.month === undefined ? undefined : MONTHS[d.month - 1];
  if (month === undefined) return String(d.year);
  return d.day === undefined ? `${month} ${d.year}` : `${d.day} ${month} ${d.year}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function field(record: unknown, key: string): string | undefined {
  return typeof record === 'object' && record !== null ? str((record as Record<string, unknown>)[key]) : undefined;
}

function countNoun(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function personSummary(record: unknown): string {
  const name = field(record, 'name') ?? 'unnamed';
  const born = field(record, 'date_of_birth');
  return born === undefined ? name : `${name} (born ${describeDate(born)})`;
}

function describeRecords(scope: string, records: unknown[]): string {
  if (records.length === 0) return 'None';
  switch (scope) {
    case 'myinfo.vehicles':
      return `${countNoun(records.length, 'vehicle', 'vehicles')}: ${records.map((r) => field(r, 'vehicle_number') ?? '?').join(', ')}`;
    case 'myinfo.children_birth_records':
      return `${countNoun(records.length, 'child', 'children')}: ${records.map(personSummary).join(', ')}`;
    case 'myinfo.sponsored_children_records':
      return `${countNoun(records.length, 'sponsored child', 'sponsored children')}: ${records.map(personSummary).join(', ')}`;
    case 'pocdex.public_officer_details':
      return `${countNoun(records.length, 'employment', 'employments')}: ${records
        .map((r) => [field(r, 'employment_title'), field(r, 'agency_name')].filter((x) => x !== undefined).join(', ') || '?')
        .join('; ')}`;
    default:
      return countNoun(records.length, 'record', 'records');
  }
}

/**
 * `value` of `scope` in words for the consent screen: the person should see what they are
 * about to share, not a JSON string. Unparsable values are shown as they are.
 */
export function describeValue(scope: string, value: string): string {
  if (value === NOT_ON_RECORD) return 'Not on record';
  const def = getScope(scope);
  switch (def?.format) {
    case 'boolean':
      return value === 'true' ? 'Yes' : value === 'false' ? 'No' : value;
    case 'date':
      return describeDate(value);
    case 'json-array': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return value;
      }
      return Array.isArray(parsed) ? describeRecords(scope, parsed) : value;
    }
    default:
      // Addresses are stored one line per \n; a single line reads better in a list of fields.
      return scope === 'myinfo.registered_address' ? value.split('\n').join(', ') : value;
  }
}
