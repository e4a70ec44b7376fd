import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_SCOPES, getScope } from 'sgid-protocol';
import {
  PersonaValidationError,
  ageOn,
  builtInPersonas,
  describeValue,
  isValidNricOrFin,
  makeNric,
  nricCheckLetter,
  parsePersonasJson,
  releaseValues,
  validatePersona,
} from '../src/wallet/personas/index.js';
import type { Persona } from '../src/wallet/personas/index.js';

// Noon in Singapore, so the calendar date is unambiguous in any reading.
const sgNoon = (ymd: string): Date => new Date(`${ymd}T12:00:00+08:00`);
const TODAY = sgNoon('2025-03-10');

const persona = (values: Persona['values'], id = 'S1234567D'): Persona => ({ id, uuid: '00000000-0000-4000-8000-000000000000', label: 'test', values });
const release1 = (p: Persona, scope: string, today = TODAY): string | undefined => releaseValues(p, [scope], today)[scope];

function byLabel(personas: Persona[], pattern: RegExp): Persona {
  const found = personas.find((p) => pattern.test(p.label));
  assert.ok(found, `no built-in persona labelled ${pattern}`);
  return found;
}

describe('NRIC / FIN check letters', () => {
  // Each expected letter worked out by hand: sum of digits × (2,7,6,5,4,3,2), plus the
  // series offset (T/G +4, M +3), mod 11, then looked up in the series' table.
  const cases: [Parameters<typeof nricCheckLetter>[0], string, string][] = [
    ['S', '1234567', 'D'], // 2+14+18+20+20+18+14 = 106; 106 % 11 = 7 → "JZIHGFEDCBA"[7]
    ['S', '8979373', 'D'], // 16+63+42+45+12+21+6 = 205; 205 % 11 = 7 → D (MockPass's default persona)
    ['T', '0066846', 'F'], // 0+0+36+30+32+12+12 = 122; +4 = 126; 126 % 11 = 5 → F
    ['F', '1612347', 'K'], // 2+42+6+10+12+12+14 = 98; 98 % 11 = 10 → "XWUTRQPNMLK"[10]
    ['G', '1234567', 'X'], // 106 + 4 = 110; 110 % 11 = 0 → X
    ['F', '4000000', 'M'], // 8 % 11 = 8 → "XWUTRQPNMLK"[8] = M
    ['M', '0001000', 'J'], // 5 + 3 = 8; ICA: "KLJNPQRTUWX"[10 - 8] = J (where F/G would give M)
    ['M', '1234567', 'K'], // 106 + 3 = 109; 109 % 11 = 10; "KLJNPQRTUWX"[0] = K
  ];
  for (const [prefix, digits, letter] of cases) {
    test(`${prefix}${digits} → ${letter}`, () => {
      assert.equal(nricCheckLetter(prefix, digits), letter);
      assert.equal(makeNric(prefix, digits), `${prefix}${digits}${letter}`);
      assert.equal(isValidNricOrFin(`${prefix}${digits}${letter}`), true);
    });
  }

  test('a wrong check letter, a bad shape or a bad prefix is refused', () => {
    assert.equal(isValidNricOrFin('S1234567A'), false);
    assert.equal(isValidNricOrFin('M0001000M'), false); // the F/G letter is wrong for M
    assert.equal(isValidNricOrFin('s1234567d'), false);
    assert.equal(isValidNricOrFin('S123456D'), false);
    assert.equal(isValidNricOrFin('X1234567D'), false);
    assert.equal(isValidNricOrFin(' S1234567D'), false);
    assert.throws(() => nricCheckLetter('S', '123456'), RangeError);
  });
});

describe('built-in personas', () => {
  const personas = builtInPersonas(TODAY);

  test('at least 10, unique ids, every id a valid NRIC/FIN', () => {
    assert.ok(personas.length >= 10);
    assert.equal(new Set(personas.map((p) => p.id)).size, personas.length);
    for (const p of personas) assert.ok(isValidNricOrFin(p.id), `${p.id} (${p.label})`);
    assert.ok(personas.some((p) => /^[FGM]/.test(p.id)), 'a FIN holder');
  });

  test('every built-in persona passes the file validator unchanged', () => {
    for (const [i, p] of personas.entries()) assert.deepEqual(validatePersona(p, `builtin[${i}]`), p);
  });

  test('every data scope has a real value in at least one persona, on several days', () => {
    for (const day of ['2025-03-10', '2024-02-29', '2031-12-31']) {
      const released = builtInPersonas(sgNoon(day)).map((p) => releaseValues(p, DATA_SCOPES, sgNoon(day)));
      for (const scope of DATA_SCOPES) {
        assert.ok(
          released.some((r) => r[scope] !== undefined && r[scope] !== 'NA'),
          `${scope} is "NA" in every persona on ${day}`,
        );
      }
    }
  });

  test('every persona answers every data scope, and age gates are both true and false somewhere', () => {
    const released = personas.map((p) => releaseValues(p, DATA_SCOPES, TODAY));
    for (const r of released) assert.deepEqual(Object.keys(r), [...DATA_SCOPES]);
    const over18 = new Set(released.map((r) => r['myinfo.is_age_above_18']));
    const over21 = new Set(released.map((r) => r['myinfo.is_age_above_21']));
    assert.ok(over18.has('true') && over21.has('true') && over21.has('false'));
  });

  test('the default persona is an adult citizen with a full record', () => {
    const first = personas[0];
    assert.ok(first);
    const r = releaseValues(first, DATA_SCOPES, TODAY);
    assert.equal(r['myinfo.residentialstatus'], 'SINGAPORE CITIZEN');
    assert.equal(r['myinfo.is_age_above_21'], 'true');
    assert.equal(r['myinfo.marital_status'], 'MARRIED');
    assert.equal(JSON.parse(r['myinfo.vehicles'] ?? '').length, 2);
    assert.equal(JSON.parse(r['myinfo.children_birth_records'] ?? '').length, 2);
    for (const scope of ['myinfo.name', 'myinfo.date_of_birth', 'myinfo.registered_address', 'myinfo.email', 'myinfo.mobile_number', 'myinfo.passport_number', 'myinfo.marriage_date', 'myinfo.marriage_certificate_number', 'myinfo.country_of_marriage']) {
      assert.notEqual(r[scope], 'NA', scope);
    }
  });

  test('the catalog formats are followed', () => {
    for (const p of personas) {
      const v = p.values;
      if (v['myinfo.mobile_number'] !== undefined) {
        assert.match(v['myinfo.mobile_number'], /^[89]\d{7}$/);
        assert.equal(v['myinfo.mobile_number_with_country_code'], `+65 ${v['myinfo.mobile_number']}`);
      }
      for (const [scope, value] of Object.entries(v)) {
        const format = getScope(scope)?.format;
        if (['myinfo.sex', 'myinfo.race', 'myinfo.nationality', 'myinfo.residentialstatus', 'myinfo.housingtype', 'myinfo.hdbtype', 'myinfo.marital_status'].includes(scope)) {
          assert.equal(value, value.toUpperCase(), `${p.id} ${scope}`);
        }
        if (format === 'date' && scope !== 'myinfo.date_of_birth') assert.match(value, /^\d{4}-\d{2}-\d{2}$/);
      }
      assert.ok(!v['myinfo.registered_address']?.includes(','), 'address lines are joined with \\n');
    }
    const expiries = personas.flatMap((p) => [p.values['myinfo.passport_expiry_date'], p.values['myinfo.workpass_expiry_date']]);
    for (const e of expiries) if (e !== undefined) assert.ok(e > '2025-03-10', `${e} should still be in the future`);
  });

  test('the foreigner has a FIN and an active work pass', () => {
    const r = releaseValues(byLabel(personas, /work pass|Employment Pass/i), DATA_SCOPES, TODAY);
    assert.match(r['myinfo.nric_number'] ?? '', /^[FGM]/);
    assert.equal(r['myinfo.workpass_status'], 'Active');
    assert.notEqual(r['myinfo.name_of_employer'], 'NA');
    assert.ok((r['myinfo.workpass_expiry_date'] ?? '') > '2025-03-10');
    assert.equal(r['myinfo.residentialstatus'], 'ALIEN');
  });

  test('a permanent resident, a divorcee and a public officer exist', () => {
    assert.equal(byLabel(personas, /permanent resident/i).values['myinfo.residentialstatus'], 'PERMANENT RESIDENT');
    const divorcee = byLabel(personas, /divorced/i).values;
    assert.equal(divorcee['myinfo.marital_status'], 'DIVORCED');
    assert.ok((divorcee['myinfo.divorce_date'] ?? '') > (divorcee['myinfo.marriage_date'] ?? '9'));
    const officer = byLabel(personas, /public officer/i).values;
    const details = JSON.parse(officer['pocdex.public_officer_details'] ?? '') as unknown[];
    assert.equal(String(details.length), officer['pocdex.number_of_employments']);
  });

  test('a non-ASCII name exists, one that an ASCII decoder would mangle', () => {
    const names = personas.map((p) => p.values['myinfo.name'] ?? '');
    const nonAscii = names.filter((n) => /[^\x00-\x7F]/.test(n));
    assert.ok(nonAscii.length >= 1);
    for (const n of nonAscii) assert.notEqual(Buffer.from(n, 'utf8').toString('ascii'), n);
    assert.ok(names.some((n) => /\p{Script=Han}/u.test(n)), 'a name with CJK characters');
  });

  test('JSON scopes hold arrays of the documented records', () => {
    // Key lists copied from the sgID data catalog (SPEC.md), not from the implementation.
    const expected: Record<string, string[]> = {
      'myinfo.vehicles': ['vehicle_number'],
      'myinfo.children_birth_records': ['birth_cert_no', 'name', 'date_of_birth', 'sex', 'race', 'life_status', 'secondary_race', 'vaccination_requirements', 'is_sg_citizen_at_birth'],
      'myinfo.sponsored_children_records': ['nric', 'name', 'date_of_birth', 'sex', 'race', 'life_status', 'nationality', 'residential_status', 'secondary_race'],
      'pocdex.public_officer_details': ['work_email', 'agency_name', 'department_name', 'employment_type', 'employment_title'],
    };
    const nonEmpty = new Set<string>();
    for (const p of personas) {
      for (const [scope, keys] of Object.entries(expected)) {
        const value = p.values[scope as keyof Persona['values']];
        if (value === undefined) continue;
        const records = JSON.parse(value) as unknown;
        assert.ok(Array.isArray(records), `${p.id} ${scope}`);
        if (records.length > 0) nonEmpty.add(scope);
        for (const record of records as Record<string, unknown>[]) {
          assert.deepEqual(Object.keys(record).sort(), [...keys].sort(), `${p.id} ${scope}`);
          if (scope === 'myinfo.children_birth_records') {
            const reqs = record['vaccination_requirements'] as Record<string, unknown>[];
            assert.ok(Array.isArray(reqs) && reqs.length > 0);
            for (const req of reqs) assert.deepEqual(Object.keys(req).sort(), ['fulfilled', 'requirement']);
          }
        }
      }
    }
    assert.deepEqual([...nonEmpty].sort(), Object.keys(expected).sort());
  });
});

describe('age gates', () => {
  const days = ['2025-03-10', '2024-02-28', '2025-03-01', '2024-12-31', '2025-01-01', '2024-03-01'];
  for (const years of [18, 21] as const) {
    const other = years === 18 ? 21 : 18;
    for (const day of days) {
      test(`the "turns ${years} today" persona on ${day}: true today, false the day before`, () => {
        const today = sgNoon(day);
        const p = byLabel(builtInPersonas(today), new RegExp(`turns ${years} today`));
        assert.equal(p.values['myinfo.date_of_birth'], `${Number(day.slice(0, 4)) - years}${day.slice(4)}`);
        const gate = `myinfo.is_age_above_${years}`;
        assert.equal(release1(p, gate, today), 'true');
        assert.equal(release1(p, gate, new Date(today.getTime() - 86_400_000)), 'false');
        assert.equal(release1(p, `myinfo.is_age_above_${other}`, today), years === 21 ? 'true' : 'false');
        assert.ok(p.id.startsWith('T'));
      });
    }
    test(`on 29 February the "turns ${years}" persona was born on 28 February (no 29 February ${years} years ago)`, () => {
      const today = sgNoon('2024-02-29');
      const p = byLabel(builtInPersonas(today), new RegExp(`turns ${years} yesterday`));
      assert.equal(p.values['myinfo.date_of_birth'], `${2024 - years}-02-28`);
      const gate = `myinfo.is_age_above_${years}`;
      assert.equal(release1(p, gate, today), 'true');
      assert.equal(release1(p, gate, sgNoon('2024-02-28')), 'true');
      assert.equal(release1(p, gate, sgNoon('2024-02-27')), 'false');
    });
  }

  test('"today" is the Singapore calendar date, whatever the server time zone', () => {
    // 16:30 UTC on 9 March is 00:30 on 10 March in Singapore.
    const today = new Date('2025-03-09T16:30:00Z');
    const p = byLabel(builtInPersonas(today), /turns 18 today/);
    assert.equal(p.values['myinfo.date_of_birth'], '2007-03-10');
    assert.equal(release1(p, 'myinfo.is_age_above_18', today), 'true');
    assert.equal(release1(p, 'myinfo.is_age_above_18', new Date('2025-03-09T15:59:00Z')), 'false');
  });

  test('someone born on 29 February comes of age on 1 March in common years', () => {
    const p = persona({ 'myinfo.date_of_birth': '2008-02-29' });
    assert.equal(release1(p, 'myinfo.is_age_above_18', sgNoon('2026-02-28')), 'false');
    assert.equal(release1(p, 'myinfo.is_age_above_18', sgNoon('2026-03-01')), 'true');
    assert.equal(ageOn('2008-02-29', sgNoon('2028-02-29')), 20);
  });

  test('YYYY-MM: true only once the last day of that month is old enough', () => {
    const p = persona({ 'myinfo.date_of_birth': '2007-03' });
    assert.equal(release1(p, 'myinfo.is_age_above_18', sgNoon('2025-03-30')), 'false');
    assert.equal(release1(p, 'myinfo.is_age_above_18', sgNoon('2025-03-31')), 'true');
    const feb = persona({ 'myinfo.date_of_birth': '2004-02' }); // 2004 is a leap year: 29 days
    assert.equal(release1(feb, 'myinfo.is_age_above_21', sgNoon('2025-02-28')), 'false');
    assert.equal(release1(feb, 'myinfo.is_age_above_21', sgNoon('2025-03-01')), 'true');
  });

  test('YYYY: true only from 31 December of the year of coming of age', () => {
    const p = persona({ 'myinfo.date_of_birth': '2004' });
    assert.equal(release1(p, 'myinfo.is_age_above_21', sgNoon('2025-12-30')), 'false');
    assert.equal(release1(p, 'myinfo.is_age_above_21', sgNoon('2025-12-31')), 'true');
    assert.equal(release1(p, 'myinfo.is_age_above_18', sgNoon('2025-01-01')), 'true');
    assert.equal(ageOn('2004', sgNoon('2025-06-01')), 20);
  });

  test('the built-in partial-date personas exist and are (certainly) adults', () => {
    const personas = builtInPersonas(TODAY);
    const month = byLabel(personas, /without the day/);
    const year = byLabel(personas, /year only/);
    assert.match(month.values['myinfo.date_of_birth'] ?? '', /^\d{4}-\d{2}$/);
    assert.match(year.values['myinfo.date_of_birth'] ?? '', /^\d{4}$/);
    for (const p of [month, year]) {
      assert.deepEqual(releaseValues(p, ['myinfo.is_age_above_18', 'myinfo.is_age_above_21', 'myinfo.date_of_birth'], TODAY), {
        'myinfo.is_age_above_18': 'true',
        'myinfo.is_age_above_21': 'true',
        'myinfo.date_of_birth': p.values['myinfo.date_of_birth'],
      });
    }
  });

  test('a date of birth in the future is not an adult', () => {
    assert.equal(release1(persona({ 'myinfo.date_of_birth': '2030-01-01' }), 'myinfo.is_age_above_18'), 'false');
  });
});

describe('releaseValues', () => {
  test('nric_last_four_characters masks all but the last four', () => {
    assert.equal(release1(persona({}, 'S1234567D'), 'myinfo.nric_last_four_characters'), '*****567D');
    assert.equal(release1(persona({}, 'M4217365N'), 'myinfo.nric_last_four_characters'), '*****365N');
    assert.equal(release1(persona({}, 'S1234567A'), 'myinfo.nric_last_four_characters'), '*****567A');
  });

  test('missing fields are "NA"; openid, unknown and duplicate scopes are skipped; nric_number defaults to the id', () => {
    const p = persona({ 'myinfo.name': 'Chua Boon Keng' }, 'S9203318Z');
    const r = releaseValues(p, ['openid', 'myinfo.name', 'myinfo.name', 'myinfo.foo', 'myinfo.vehicles', 'myinfo.date_of_birth', 'myinfo.is_age_above_18', 'myinfo.nric_number'], TODAY);
    assert.deepEqual(r, {
      'myinfo.name': 'Chua Boon Keng',
      'myinfo.vehicles': 'NA',
      'myinfo.date_of_birth': 'NA',
      'myinfo.is_age_above_18': 'NA',
      'myinfo.nric_number': 'S9203318Z',
    });
    assert.deepEqual(releaseValues(p, ['openid'], TODAY), {});
  });

  test('describeValue renders values in words', () => {
    const first = builtInPersonas(TODAY)[0];
    assert.ok(first);
    assert.equal(describeValue('myinfo.vehicles', first.values['myinfo.vehicles'] ?? ''), '2 vehicles: SBA1234A, SGX8888Z');
    assert.equal(
      describeValue('myinfo.children_birth_records', first.values['myinfo.children_birth_records'] ?? ''),
      '2 children: Lim Kai Xuan (born 20 April 2015), Lim Kai Le (born 3 September 2018)',
    );
    assert.equal(describeValue('myinfo.vehicles', '[{"vehicle_number":"SBA1234A"}]'), '1 vehicle: SBA1234A');
    assert.equal(describeValue('myinfo.vehicles', '[]'), 'None');
    assert.equal(
      describeValue('pocdex.public_officer_details', '[{"work_email":"a@b.gov.sg","agency_name":"GovTech","department_name":"X","employment_type":"PERMANENT","employment_title":"Engineer"}]'),
      '1 employment: Engineer, GovTech',
    );
    assert.equal(describeValue('myinfo.is_age_above_18', 'true'), 'Yes');
    assert.equal(describeValue('myinfo.is_age_above_21', 'false'), 'No');
    assert.equal(describeValue('myinfo.email', 'NA'), 'Not on record');
    assert.equal(describeValue('myinfo.date_of_birth', '1985-06-15'), '15 June 1985');
    assert.equal(describeValue('myinfo.date_of_birth', '1950-07'), 'July 1950');
    assert.equal(describeValue('myinfo.date_of_birth', '1942'), '1942');
    assert.equal(describeValue('myinfo.registered_address', 'A\n#01-01\nSINGAPORE 1'), 'A, #01-01, SINGAPORE 1');
    assert.equal(describeValue('myinfo.vehicles', 'not json'), 'not json');
    assert.equal(describeValue('myinfo.name', 'Lim Jun Hao'), 'Lim Jun Hao');
  });
});

describe('persona files', () => {
  const good = { id: 'S1234567D', label: 'ok', values: { 'myinfo.name': 'Tan Ah Kow', 'myinfo.date_of_birth': '1990-01-31' } };

  // Puts `bad` at index 1 of a file so the path must say personas[1].
  function errorFor(bad: unknown, source?: string): PersonaValidationError {
    try {
      parsePersonasJson(JSON.stringify([good, bad]), source);
    } catch (e) {
      assert.ok(e instanceof PersonaValidationError, String(e));
      assert.equal(e.code, 'invalid_persona');
      return e;
    }
    assert.fail('expected a PersonaValidationError');
  }
  const withValues = (values: Record<string, unknown>, id = 'S8979373D') => ({ id, values });

  test('wrong check letter names the expected one', () => {
    assert.equal(errorFor({ id: 'S1234567B' }).message, 'personas[1].id: "S1234567B" has a wrong check letter (expected D)');
    assert.equal(errorFor({ id: 'M0001000M' }).message, 'personas[1].id: "M0001000M" has a wrong check letter (expected J)');
    assert.match(errorFor({ id: 'S12345' }).message, /^personas\[1\]\.id: "S12345" is not an NRIC\/FIN/);
    assert.equal(errorFor({ label: 'x' }).message, 'personas[1].id: is required (the NRIC or FIN of the persona)');
    assert.match(errorFor({ id: 1234567 }).message, /^personas\[1\]\.id: must be a string/);
  });

  test('bad dates', () => {
    assert.equal(
      errorFor(withValues({ 'myinfo.date_of_birth': '1990-13-01' })).message,
      'personas[1].values["myinfo.date_of_birth"]: "1990-13-01" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)',
    );
    assert.match(errorFor(withValues({ 'myinfo.marriage_date': '2023-02-29' })).message, /^personas\[1\]\.values\["myinfo\.marriage_date"\]: "2023-02-29" is not a date/);
    assert.match(errorFor(withValues({ 'myinfo.date_of_birth': '15/06/1985' })).message, /is not a date/);
    assert.equal(parsePersonasJson(JSON.stringify([withValues({ 'myinfo.date_of_birth': '2000-02-29' })]))[0]?.values['myinfo.date_of_birth'], '2000-02-29');
  });

  test('unknown and derived scopes', () => {
    assert.equal(errorFor(withValues({ 'myinfo.foo': 'x' })).message, 'personas[1].values: unknown scope "myinfo.foo"');
    assert.equal(errorFor(withValues({ name: 'x' })).message, 'personas[1].values: unknown scope "name" (did you mean "myinfo.name"?)');
    assert.equal(errorFor(withValues({ openid: 'x' })).message, 'personas[1].values: "openid" is not a data scope and holds no value');
    assert.equal(
      errorFor(withValues({ 'myinfo.is_age_above_18': 'true' })).message,
      'personas[1].values["myinfo.is_age_above_18"]: is derived from myinfo.date_of_birth and cannot be set',
    );
    assert.equal(
      errorFor(withValues({ 'myinfo.nric_last_four_characters': '*****373D' })).message,
      'personas[1].values["myinfo.nric_last_four_characters"]: is derived from myinfo.nric_number and cannot be set',
    );
  });

  test('values must be strings, not "NA", and consistent with the id', () => {
    assert.equal(
      errorFor(withValues({ 'pocdex.number_of_employments': 2 })).message,
      'personas[1].values["pocdex.number_of_employments"]: must be a string (every sgID value travels as a string), got number 2 (write "2")',
    );
    assert.equal(errorFor(withValues({ 'pocdex.number_of_employments': 'two' })).message, 'personas[1].values["pocdex.number_of_employments"]: "two" is not a number (digits only, e.g. "1")');
    assert.match(errorFor(withValues({ 'myinfo.email': 'NA' })).message, /^personas\[1\]\.values\["myinfo\.email"\]: "NA" is what sgID sends/);
    assert.match(errorFor(withValues({ 'myinfo.nric_number': 'S1234567D' })).message, /^personas\[1\]\.values\["myinfo\.nric_number"\]: "S1234567D" differs from the persona's id "S8979373D"/);
    assert.match(errorFor({ id: 'S8979373D', values: ['x'] }).message, /^personas\[1\]\.values: must be an object/);
    assert.match(errorFor({ id: 'S8979373D', label: 3 }).message, /^personas\[1\]\.label: must be a non-empty string/);
    assert.equal(errorFor({ id: 'S8979373D', value: {} }).message, 'personas[1]: unknown field "value" (expected id, uuid, label, values)');
    assert.match(errorFor('S8979373D').message, /^personas\[1\]: must be an object/);
  });

  test('JSON-array scopes', () => {
    assert.match(errorFor(withValues({ 'myinfo.vehicles': '{"vehicle_number":"SBA1234A"}' })).message, /^personas\[1\]\.values\["myinfo\.vehicles"\]: must be a stringified JSON array, got an object$/);
    assert.match(errorFor(withValues({ 'myinfo.vehicles': '[{vehicle_number:1}]' })).message, /^personas\[1\]\.values\["myinfo\.vehicles"\]: is not valid JSON/);
    assert.equal(
      errorFor(withValues({ 'myinfo.vehicles': '[{"vehicle_number":"SBA1234A"},{"vehicle_no":"SBA1"}]' })).message,
      'personas[1].values["myinfo.vehicles"][1]: unknown field "vehicle_no" (expected vehicle_number)',
    );
    assert.equal(
      errorFor(withValues({ 'pocdex.public_officer_details': '[{"work_email":"a@b","agency_name":"A","department_name":"D","employment_type":"T"}]' })).message,
      'personas[1].values["pocdex.public_officer_details"][0]: missing field "employment_title"',
    );
    const child = { birth_cert_no: 'T1512074B', name: 'A', date_of_birth: '2015-04-20', sex: 'FEMALE', race: 'CHINESE', life_status: 'ALIVE', secondary_race: '', is_sg_citizen_at_birth: 'Y' };
    assert.equal(
      errorFor(withValues({ 'myinfo.children_birth_records': JSON.stringify([{ ...child, vaccination_requirements: [{ fulfilled: true, requirement: 'X' }] }]) })).message,
      'personas[1].values["myinfo.children_birth_records"][0].vaccination_requirements[0].fulfilled: must be a string, got boolean true',
    );
    assert.equal(
      errorFor(withValues({ 'myinfo.children_birth_records': JSON.stringify([{ ...child, date_of_birth: '2015-4-20', vaccination_requirements: [] }]) })).message,
      'personas[1].values["myinfo.children_birth_records"][0].date_of_birth: "2015-4-20" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)',
    );
  });

  test('duplicate ids, empty files, wrong top level, bad JSON', () => {
    assert.equal(errorFor({ id: 'S1234567D' }).message, 'personas[1].id: "S1234567D" is used twice (also by personas[0])');
    assert.throws(() => parsePersonasJson('[]', 'p.json'), { message: 'p.json: personas: holds no personas (at least one is needed)' });
    assert.throws(() => parsePersonasJson('{"people": []}', 'p.json'), { message: 'p.json: unknown top-level field "people" (expected "personas")' });
    assert.throws(() => parsePersonasJson('"S1234567D"', 'p.json'), /^PersonaValidationError: p\.json: must be an array of personas or \{ "personas": \[\.\.\.\] \}/);
    const broken = '[\n  {\n    "id": "S1234567D",\n    values: {}\n  }\n]';
    assert.throws(() => parsePersonasJson(broken, 'my-personas.json'), (e: unknown) => {
      assert.ok(e instanceof PersonaValidationError);
      assert.match(e.message, /^my-personas\.json: invalid JSON at line 4, column 5/);
      return true;
    });
  });

  test('the source prefixes the message; the path is kept on the error', () => {
    const e = errorFor(withValues({ 'myinfo.date_of_birth': '1990-13-01' }), 'team.json');
    assert.ok(e.message.startsWith('team.json: personas[1].values["myinfo.date_of_birth"]: '));
    assert.equal(e.path, 'personas[1].values["myinfo.date_of_birth"]');
    assert.throws(() => validatePersona({ id: 'S1234567B' }), { message: 'persona.id: "S1234567B" has a wrong check letter (expected D)' });
  });

  test('a valid file round-trips, in both shapes; the label defaults to the name, then the id', () => {
    const personas = builtInPersonas(TODAY);
    const text = JSON.stringify(personas, null, 2);
    assert.deepEqual(parsePersonasJson(text, 'a.json'), personas);
    assert.deepEqual(parsePersonasJson('\uFEFF' + JSON.stringify({ personas }), 'b.json'), personas);
    const parsed = parsePersonasJson(JSON.stringify([{ id: 'S1234567D', values: { 'myinfo.name': 'Tan Ah Kow' } }, { id: 'F1612347K' }]));
    assert.deepEqual(parsed, [
      { id: 'S1234567D', uuid: '9294d413-a004-449d-b239-7abe01a4e038', label: 'Tan Ah Kow', values: { 'myinfo.name': 'Tan Ah Kow' } },
      { id: 'F1612347K', uuid: 'cd539745-97ed-4e63-83e6-c4eda8d0550a', label: 'F1612347K', values: {} },
    ]);
  });
});
