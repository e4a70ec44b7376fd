/**
 * What a relying party must receive, worked out by the tests themselves — never by the
 * wallet's own code (releaseValues), which would then be checked against itself.
 *
 * - DEFAULT_PERSONA_ON_2025_03_10: every value of the default persona on 10 March 2025, written
 *   out by hand (from its record in wallet/personas/builtin.ts and the rules of SPEC.md).
 * - expectedRelease(): the same rules for any persona on any day, from the persona's record:
 *   stored values as they are, "NA" when not on record, the NRIC/FIN (the persona's id unless
 *   the record has one), "*****" and its last four characters, and the age gates from the
 *   date of birth on the Singapore calendar (Intl's Asia/Singapore zone, not the provider's
 *   fixed offset), a partial date of birth counted from its last possible day.
 */
import type { Persona } from '../../src/wallet/personas/index.js';

/** The default persona (S8534127H) on 2025-03-10, every data scope of the catalog. */
export const DEFAULT_PERSONA_ON_2025_03_10: Readonly<Record<string, string>> = {
  'myinfo.name': 'Lim Jun Hao',
  'myinfo.nric_number': 'S8534127H',
  'myinfo.date_of_birth': '1985-06-15',
  'myinfo.passport_number': 'E24817365K',
  'myinfo.passport_expiry_date': '2029-06-14',
  'myinfo.mobile_number': '91234567',
  'myinfo.mobile_number_with_country_code': '+65 91234567',
  'myinfo.email': 'junhao.lim@example.com',
  'myinfo.registered_address': '123 ANG MO KIO AVENUE 3\n#08-1234\nSINGAPORE 560123',
  'myinfo.sex': 'MALE',
  'myinfo.race': 'CHINESE',
  'myinfo.nationality': 'SINGAPOREAN',
  'myinfo.residentialstatus': 'SINGAPORE CITIZEN',
  'myinfo.housingtype': 'HDB',
  'myinfo.hdbtype': '4-ROOM FLAT (HDB)',
  'myinfo.birth_country': 'SINGAPORE',
  'myinfo.vehicles': '[{"vehicle_number":"SBA1234A"},{"vehicle_number":"SGX8888Z"}]',
  'myinfo.name_of_employer': 'NA',
  'myinfo.workpass_status': 'NA',
  'myinfo.workpass_expiry_date': 'NA',
  'myinfo.marital_status': 'MARRIED',
  'myinfo.dialect': 'HOKKIEN',
  'myinfo.occupation': 'SOFTWARE ENGINEER',
  'myinfo.country_of_marriage': 'SINGAPORE',
  'myinfo.marriage_certificate_number': '418205',
  'myinfo.marriage_date': '2013-11-09',
  'myinfo.divorce_date': 'NA',
  'myinfo.children_birth_records':
    '[{"birth_cert_no":"T1512074B","name":"Lim Kai Xuan","date_of_birth":"2015-04-20","sex":"FEMALE","race":"CHINESE","life_status":"ALIVE","secondary_race":"","vaccination_requirements":[{"fulfilled":"TRUE","requirement":"Preschool Admission Vaccination Min Requirement Fulfilled"}],"is_sg_citizen_at_birth":"Y"},' +
    '{"birth_cert_no":"T1827531C","name":"Lim Kai Le","date_of_birth":"2018-09-03","sex":"MALE","race":"CHINESE","life_status":"ALIVE","secondary_race":"","vaccination_requirements":[{"fulfilled":"FALSE","requirement":"Preschool Admission Vaccination Min Requirement Fulfilled"}],"is_sg_citizen_at_birth":"Y"}]',
  'myinfo.sponsored_children_records': '[]',
  'myinfo.nric_last_four_characters': '*****127H',
  'myinfo.is_age_above_18': 'true',
  'myinfo.is_age_above_21': 'true',
  'pocdex.public_officer_details': 'NA',
  'pocdex.number_of_employments': 'NA',
};

const SINGAPORE_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Singapore', year: 'numeric', month: '2-digit', day: '2-digit' });

/** "YYYY-MM-DD" in Singapore at `at`. */
export function singaporeDay(at: Date): string {
  return SINGAPORE_DAY.format(at);
}

/** The last day a (possibly partial) date of birth can stand for; undefined if it is not a date. */
function lastPossibleDay(dob: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(dob)) return dob;
  if (/^\d{4}-\d{2}$/.test(dob)) {
    const [y, m] = dob.split('-').map(Number) as [number, number];
    return `${dob}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
  }
  if (/^\d{4}$/.test(dob)) return `${dob}-12-31`;
  return undefined;
}

function ageGate(dob: string | undefined, years: number, at: Date): string {
  const born = dob === undefined ? undefined : lastPossibleDay(dob);
  if (born === undefined) return 'NA';
  const today = singaporeDay(at);
  // Completed years: the year difference, less one before this year's birthday ("MM-DD" order).
  const age = Number(today.slice(0, 4)) - Number(born.slice(0, 4)) - (today.slice(5) < born.slice(5) ? 1 : 0);
  return String(age >= years);
}

/** What sgID releases of `persona` for `scopes` at `at` (data scopes only, each once). */
export function expectedRelease(persona: Persona, scopes: readonly string[], at: Date): Record<string, string> {
  const values = persona.values as Record<string, string | undefined>;
  const nric = values['myinfo.nric_number'] ?? persona.id;
  const out: Record<string, string> = {};
  for (const scope of scopes) {
    if (scope === 'openid' || scope in out) continue;
    switch (scope) {
      case 'myinfo.nric_number':
        out[scope] = nric;
        break;
      case 'myinfo.nric_last_four_characters':
        out[scope] = `${'*'.repeat(nric.length - 4)}${nric.slice(-4)}`;
        break;
      case 'myinfo.is_age_above_18':
        out[scope] = ageGate(values['myinfo.date_of_birth'], 18, at);
        break;
      case 'myinfo.is_age_above_21':
        out[scope] = ageGate(values['myinfo.date_of_birth'], 21, at);
        break;
      default:
        out[scope] = values[scope] ?? 'NA';
    }
  }
  return out;
}
