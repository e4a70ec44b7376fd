/**
 * The personas every provider starts with. Together they cover the whole data catalog, plus
 * the cases relying parties get wrong: partial dates of birth, age gates on the birthday
 * itself, FIN holders, non-ASCII names, empty and non-empty record arrays, missing fields.
 */
import type { Persona } from './types.js';
import type { CalendarDate } from './dates.js';
import { formatCalendarDate, isLeapYear, singaporeDate } from './dates.js';
import { makeNric } from './nric.js';
import { singpassUuid } from './uuid.js';

/** A built-in persona as written here; its Singpass UUID is derived from its id. */
type Written = Omit<Persona, 'uuid'>;

const json = (value: unknown): string => JSON.stringify(value);

const PRESCHOOL_VACCINATION = 'Preschool Admission Vaccination Min Requirement Fulfilled';

/**
 * The birth date of someone whose N-th birthday is `today`.
 * Rule for 29 February: in a year with no 29 February the person born on it would not
 * exist, and nobody turns exactly N that day; we pick 28 February, i.e. the persona turned
 * N yesterday and is still "just N" today. (18 and 21 years before a leap day are never
 * leap years, so this branch is taken every 29 February.)
 */
function bornYearsBefore(today: Required<CalendarDate>, years: number): Required<CalendarDate> {
  const year = today.year - years;
  const leapDayMissing = today.month === 2 && today.day === 29 && !isLeapYear(year);
  return { year, month: today.month, day: leapDayMissing ? 28 : today.day };
}

/**
 * A persona whose age gate flips today. The id follows the real NRIC layout (T for those
 * born from 2000, then the two digits of the birth year), so it changes once a year with the
 * birth year, like the person it stands for.
 */
function turnsToday(
  today: Required<CalendarDate>,
  years: number,
  tail: string,
  values: Persona['values'],
): Written {
  const born = bornYearsBefore(today, years);
  const prefix = born.year >= 2000 ? 'T' : 'S';
  const id = makeNric(prefix, String(born.year % 100).padStart(2, '0') + tail);
  const dob = formatCalendarDate(born);
  const when = born.day === today.day ? 'today' : 'yesterday (no 29 February this year)';
  return {
    id,
    label: `Singapore citizen, turns ${years} ${when}: born ${dob}`,
    values: { ...values, 'myinfo.date_of_birth': dob },
  };
}

/**
 * The built-in personas for `today` (an instant; its Singapore calendar date is used).
 * Dates that must stay in the future (passport, work pass expiry) and the birthday personas
 * are computed from it, so the set is equally correct on any day. The first is the default.
 */
export function builtInPersonas(today: Date): Persona[] {
  const t = singaporeDate(today);
  const inYears = (n: number, monthDay: string): string => `${t.year + n}-${monthDay}`;

  const citizenFamily: Written = {
    id: 'S8534127H',
    label: 'Singapore citizen, married, 2 children, 2 vehicles (full record)',
    values: {
      'myinfo.name': 'Lim Jun Hao',
      'myinfo.date_of_birth': '1985-06-15',
      'myinfo.passport_number': 'E24817365K',
      'myinfo.passport_expiry_date': inYears(4, '06-14'),
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
      'myinfo.vehicles': json([{ vehicle_number: 'SBA1234A' }, { vehicle_number: 'SGX8888Z' }]),
      'myinfo.marital_status': 'MARRIED',
      'myinfo.dialect': 'HOKKIEN',
      'myinfo.occupation': 'SOFTWARE ENGINEER',
      'myinfo.country_of_marriage': 'SINGAPORE',
      'myinfo.marriage_certificate_number': '418205',
      'myinfo.marriage_date': '2013-11-09',
      'myinfo.children_birth_records': json([
        {
          birth_cert_no: 'T1512074B',
          name: 'Lim Kai Xuan',
          date_of_birth: '2015-04-20',
          sex: 'FEMALE',
          race: 'CHINESE',
          life_status: 'ALIVE',
          secondary_race: '',
          vaccination_requirements: [{ fulfilled: 'TRUE', requirement: PRESCHOOL_VACCINATION }],
          is_sg_citizen_at_birth: 'Y',
        },
        {
          birth_cert_no: 'T1827531C',
          name: 'Lim Kai Le',
          date_of_birth: '2018-09-03',
          sex: 'MALE',
          race: 'CHINESE',
          life_status: 'ALIVE',
          secondary_race: '',
          vaccination_requirements: [{ fulfilled: 'FALSE', requirement: PRESCHOOL_VACCINATION }],
          is_sg_citizen_at_birth: 'Y',
        },
      ]),
      'myinfo.sponsored_children_records': '[]',
    },
  };

  const permanentResident: Written = {
    id: 'S7612846D',
    label: 'Permanent resident, sponsors 1 child, no vehicles',
    values: {
      'myinfo.name': 'Arjun Krishnan',
      'myinfo.date_of_birth': '1982-11-02',
      'myinfo.passport_number': 'Z4417823',
      'myinfo.passport_expiry_date': inYears(6, '01-31'),
      'myinfo.mobile_number': '82345671',
      'myinfo.mobile_number_with_country_code': '+65 82345671',
      'myinfo.email': 'arjun.krishnan@example.com',
      'myinfo.registered_address': '8 TANJONG RHU ROAD\n#15-02\nTHE WATERSIDE\nSINGAPORE 436885',
      'myinfo.sex': 'MALE',
      'myinfo.race': 'INDIAN',
      'myinfo.nationality': 'INDIAN',
      'myinfo.residentialstatus': 'PERMANENT RESIDENT',
      'myinfo.housingtype': 'CONDOMINIUM',
      'myinfo.birth_country': 'INDIA',
      'myinfo.vehicles': '[]',
      'myinfo.marital_status': 'MARRIED',
      'myinfo.dialect': 'TAMIL',
      'myinfo.occupation': 'DATA SCIENTIST',
      'myinfo.country_of_marriage': 'INDIA',
      'myinfo.marriage_date': '2010-02-14',
      'myinfo.children_birth_records': '[]',
      'myinfo.sponsored_children_records': json([
        {
          nric: 'T1634908E',
          name: 'Aditya Arjun',
          date_of_birth: '2016-07-30',
          sex: 'MALE',
          race: 'INDIAN',
          life_status: 'ALIVE',
          nationality: 'INDIAN',
          residential_status: 'PR',
          secondary_race: '',
        },
      ]),
    },
  };

  const workPassHolder: Written = {
    id: 'M4217365N',
    label: 'Foreigner (M-series FIN), Employment Pass, active',
    values: {
      'myinfo.name': 'Jonas Becker',
      'myinfo.date_of_birth': '1991-02-03',
      'myinfo.passport_number': 'C4J9X2K7L',
      'myinfo.passport_expiry_date': inYears(7, '09-30'),
      'myinfo.mobile_number': '87650123',
      'myinfo.mobile_number_with_country_code': '+65 87650123',
      'myinfo.email': 'jonas.becker@example.com',
      'myinfo.registered_address': '21 CAIRNHILL RISE\n#07-03\nSINGAPORE 229726',
      'myinfo.sex': 'MALE',
      'myinfo.race': 'CAUCASIAN',
      'myinfo.nationality': 'GERMAN',
      'myinfo.residentialstatus': 'ALIEN',
      'myinfo.housingtype': 'APARTMENT',
      'myinfo.birth_country': 'GERMANY',
      'myinfo.name_of_employer': 'Northwind Analytics Pte. Ltd.',
      'myinfo.workpass_status': 'Active',
      'myinfo.workpass_expiry_date': inYears(2, '03-31'),
      'myinfo.marital_status': 'SINGLE',
      'myinfo.occupation': 'PRODUCT MANAGER',
    },
  };

  const nonAsciiName: Written = {
    id: 'G6138204L',
    label: 'Long-term visit pass holder, Vietnamese name with accents (non-ASCII)',
    values: {
      'myinfo.name': 'Nguyễn Thị Hương',
      'myinfo.date_of_birth': '1990-08-21',
      'myinfo.passport_number': 'C7365102',
      'myinfo.passport_expiry_date': inYears(3, '12-05'),
      'myinfo.mobile_number': '90817263',
      'myinfo.mobile_number_with_country_code': '+65 90817263',
      'myinfo.email': 'huong.nguyen@example.com',
      'myinfo.registered_address': '456 JURONG WEST STREET 41\n#11-205\nSINGAPORE 640456',
      'myinfo.sex': 'FEMALE',
      'myinfo.race': 'VIETNAMESE',
      'myinfo.nationality': 'VIETNAMESE',
      'myinfo.residentialstatus': 'ALIEN',
      'myinfo.housingtype': 'HDB',
      'myinfo.hdbtype': '5-ROOM FLAT (HDB)',
      'myinfo.birth_country': 'VIETNAM',
      'myinfo.marital_status': 'MARRIED',
      'myinfo.country_of_marriage': 'SINGAPORE',
      'myinfo.marriage_certificate_number': '527391',
      'myinfo.marriage_date': '2015-03-28',
    },
  };

  const monthOnlyBirth: Written = {
    id: 'S1493572Z',
    label: 'Singapore citizen, date of birth without the day (1950-07)',
    values: {
      'myinfo.name': 'Abdul Rahman bin Ismail',
      'myinfo.date_of_birth': '1950-07',
      'myinfo.mobile_number': '96543210',
      'myinfo.mobile_number_with_country_code': '+65 96543210',
      'myinfo.registered_address': '34 BEDOK NORTH STREET 3\n#04-17\nSINGAPORE 460034',
      'myinfo.sex': 'MALE',
      'myinfo.race': 'MALAY',
      'myinfo.nationality': 'SINGAPOREAN',
      'myinfo.residentialstatus': 'SINGAPORE CITIZEN',
      'myinfo.housingtype': 'HDB',
      'myinfo.hdbtype': '3-ROOM FLAT (HDB)',
      'myinfo.birth_country': 'MALAYSIA',
      'myinfo.marital_status': 'WIDOWED',
      'myinfo.occupation': 'RETIRED',
    },
  };

  const yearOnlyBirth: Written = {
    id: 'S0386241J',
    label: 'Singapore citizen, date of birth year only (1942), Chinese characters in name',
    values: {
      'myinfo.name': 'Wong Ah Lian 黄亚莲',
      'myinfo.date_of_birth': '1942',
      'myinfo.mobile_number': '93452718',
      'myinfo.mobile_number_with_country_code': '+65 93452718',
      'myinfo.registered_address': '12 TOA PAYOH LORONG 7\n#02-88\nSINGAPORE 310012',
      'myinfo.sex': 'FEMALE',
      'myinfo.race': 'CHINESE',
      'myinfo.nationality': 'SINGAPOREAN',
      'myinfo.residentialstatus': 'SINGAPORE CITIZEN',
      'myinfo.housingtype': 'HDB',
      'myinfo.hdbtype': '2-ROOM FLAT (HDB)',
      'myinfo.birth_country': 'CHINA',
      'myinfo.marital_status': 'WIDOWED',
      'myinfo.dialect': 'CANTONESE',
    },
  };

  const turns18 = turnsToday(t, 18, '04821', {
    'myinfo.name': 'Nur Aisyah binte Mohamed Faizal',
    'myinfo.mobile_number': '81122334',
    'myinfo.mobile_number_with_country_code': '+65 81122334',
    'myinfo.email': 'aisyah.faizal@example.com',
    'myinfo.registered_address': '201 PUNGGOL FIELD\n#12-401\nSINGAPORE 820201',
    'myinfo.sex': 'FEMALE',
    'myinfo.race': 'MALAY',
    'myinfo.nationality': 'SINGAPOREAN',
    'myinfo.residentialstatus': 'SINGAPORE CITIZEN',
    'myinfo.housingtype': 'HDB',
    'myinfo.hdbtype': '4-ROOM FLAT (HDB)',
    'myinfo.birth_country': 'SINGAPORE',
    'myinfo.marital_status': 'SINGLE',
    'myinfo.occupation': 'STUDENT',
  });

  const turns21 = turnsToday(t, 21, '07463', {
    'myinfo.name': 'Ryan Teo Jia Wei',
    'myinfo.mobile_number': '97766554',
    'myinfo.mobile_number_with_country_code': '+65 97766554',
    'myinfo.email': 'ryan.teo@example.com',
    'myinfo.registered_address': '88 TAMPINES STREET 81\n#05-12\nSINGAPORE 520088',
    'myinfo.sex': 'MALE',
    'myinfo.race': 'CHINESE',
    'myinfo.nationality': 'SINGAPOREAN',
    'myinfo.residentialstatus': 'SINGAPORE CITIZEN',
    'myinfo.housingtype': 'HDB',
    'myinfo.hdbtype': 'EXECUTIVE FLAT (HDB)',
    'myinfo.birth_country': 'SINGAPORE',
    'myinfo.marital_status': 'SINGLE',
    'myinfo.dialect': 'TEO CHEW',
    'myinfo.occupation': 'STUDENT',
  });

  const publicOfficer: Written = {
    id: 'S8812905I',
    label: 'Public officer, 2 public-sector employments',
    values: {
      'myinfo.name': 'Rachel Goh Li Ting',
      'myinfo.date_of_birth': '1988-12-01',
      'myinfo.mobile_number': '88001122',
      'myinfo.mobile_number_with_country_code': '+65 88001122',
      'myinfo.email': 'rachel.goh@example.com',
      'myinfo.registered_address': '5 CHOA CHU KANG AVENUE 4\n#10-33\nSINGAPORE 689814',
      'myinfo.sex': 'FEMALE',
      'myinfo.race': 'CHINESE',
      'myinfo.nationality': 'SINGAPOREAN',
      'myinfo.residentialstatus': 'SINGAPORE CITIZEN',
      'myinfo.housingtype': 'EXECUTIVE CONDOMINIUM',
      'myinfo.birth_country': 'SINGAPORE',
      'myinfo.marital_status': 'SINGLE',
      'myinfo.dialect': 'HAKKA',
      'myinfo.occupation': 'SOFTWARE ENGINEER',
      'pocdex.public_officer_details': json([
        {
          work_email: 'rachel_goh@tech.gov.sg',
          agency_name: 'Government Technology Agency',
          department_name: 'Identity and Access',
          employment_type: 'PERMANENT',
          employment_title: 'Senior Software Engineer',
        },
        {
          work_email: 'rachel_goh_li_ting@moe.gov.sg',
          agency_name: 'Ministry of Education',
          department_name: 'Digital Learning',
          employment_type: 'CONTRACT',
          employment_title: 'Adjunct Trainer',
        },
      ]),
      'pocdex.number_of_employments': '2',
    },
  };

  const divorcee: Written = {
    id: 'S7921634H',
    label: 'Singapore citizen, divorced',
    values: {
      'myinfo.name': 'Farah binte Abdullah',
      'myinfo.date_of_birth': '1979-05-12',
      'myinfo.passport_number': 'E19283746P',
      'myinfo.passport_expiry_date': inYears(1, '10-01'),
      'myinfo.mobile_number': '93312244',
      'myinfo.mobile_number_with_country_code': '+65 93312244',
      'myinfo.email': 'farah.abdullah@example.com',
      'myinfo.registered_address': '710 WOODLANDS DRIVE 70\n#03-56\nSINGAPORE 730710',
      'myinfo.sex': 'FEMALE',
      'myinfo.race': 'MALAY',
      'myinfo.nationality': 'SINGAPOREAN',
      'myinfo.residentialstatus': 'SINGAPORE CITIZEN',
      'myinfo.housingtype': 'HDB',
      'myinfo.hdbtype': '3-ROOM FLAT (HDB)',
      'myinfo.birth_country': 'SINGAPORE',
      'myinfo.vehicles': '[]',
      'myinfo.marital_status': 'DIVORCED',
      'myinfo.occupation': 'NURSE',
      'myinfo.country_of_marriage': 'SINGAPORE',
      'myinfo.marriage_certificate_number': '305117',
      'myinfo.marriage_date': '2006-09-16',
      'myinfo.divorce_date': '2019-03-04',
      'myinfo.children_birth_records': '[]',
    },
  };

  const nameOnly: Written = {
    id: 'S9203318Z',
    label: 'Name only: every other field is "NA" (not on record)',
    values: { 'myinfo.name': 'Chua Boon Keng' },
  };

  const written: Written[] = [
    citizenFamily,
    permanentResident,
    workPassHolder,
    nonAsciiName,
    turns18,
    turns21,
    monthOnlyBirth,
    yearOnlyBirth,
    publicOfficer,
    divorcee,
    nameOnly,
  ];
  return written.map((p) => ({ ...p, uuid: singpassUuid(p.id) }));
}
