/**
 * Personas from a user's file (`--personas FILE`). A mistake there would otherwise surface as
 * a confusing failure inside a relying party, so every error names the exact field and what
 * is wrong with it, in the terms of the data catalog.
 */
import { getScope } from 'sgid-protocol';
import type { DataScopeName, ScopeDefinition } from 'sgid-protocol';
import type { Persona } from './types.js';
import { parseCalendarDate } from './dates.js';
import { explainNricOrFin } from './nric.js';
import { NOT_ON_RECORD } from './derive.js';
import { HDB_TYPE, HOUSING_TYPE, MARITAL, RESIDENTIAL_STATUS, SEX, acceptedValues, codeFor } from './myinfo-codes.js';
import type { CodeTable } from './myinfo-codes.js';
import { RECORD_FIELDS, VACCINATION_FIELDS, isRecordScope } from './records.js';
import { UUID_PATTERN, singpassUuid } from './uuid.js';

export class PersonaValidationError extends Error {
  readonly code = 'invalid_persona' as const;
  /** The field at fault, e.g. `personas[2].values["myinfo.date_of_birth"]`; empty for the file itself. */
  readonly path: string;
  /** The file (or other source) the persona came from, when known. */
  readonly source: string | undefined;
  /** Every problem found (each a full message with its source and path); the message joins them, one per line. */
  readonly problems: readonly string[];

  constructor(path: string, problem: string, source?: string);
  constructor(errors: readonly PersonaValidationError[]);
  constructor(pathOrErrors: string | readonly PersonaValidationError[], problem?: string, source?: string) {
    if (typeof pathOrErrors !== 'string') {
      const problems = pathOrErrors.flatMap((e) => e.problems);
      super(problems.join('\n'));
      this.path = pathOrErrors[0]?.path ?? '';
      this.source = pathOrErrors[0]?.source;
      this.problems = problems;
    } else {
      const where = [source, pathOrErrors].filter((s) => s !== undefined && s.length > 0).join(': ');
      super(where.length > 0 ? `${where}: ${problem}` : (problem ?? ''));
      this.path = pathOrErrors;
      this.source = source;
      this.problems = [this.message];
    }
    this.name = 'PersonaValidationError';
  }
}

/**
 * Runs `fn` for each item, and throws every PersonaValidationError they threw together, so that
 * one run of a file reports each wrong persona and each wrong value, not only the first.
 */
function eachChecked<T, R>(items: readonly T[], fn: (item: T, i: number) => R): R[] {
  const errors: PersonaValidationError[] = [];
  const out: R[] = [];
  items.forEach((item, i) => {
    try {
      out.push(fn(item, i));
    } catch (err) {
      if (!(err instanceof PersonaValidationError)) throw err;
      errors.push(err);
    }
  });
  if (errors.length > 0) throw new PersonaValidationError(errors);
  return out;
}

const PERSONA_FIELDS = ['id', 'uuid', 'label', 'values'] as const;

/**
 * Values that Myinfo v5 sends as a code from a closed table (myinfo-codes.ts): the persona's text
 * must be one the table has, or Singpass's `{code, desc}` could not be derived from it.
 */
const CLOSED_CODES: Partial<Record<DataScopeName, CodeTable>> = {
  'myinfo.sex': SEX,
  'myinfo.residentialstatus': RESIDENTIAL_STATUS,
  'myinfo.marital_status': MARITAL,
  'myinfo.hdbtype': HDB_TYPE,
  'myinfo.housingtype': HOUSING_TYPE,
};


type Fail = (path: string, problem: string) => never;

const quote = (s: string): string => JSON.stringify(s);

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  return `${typeof value} ${String(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownScopeHint(key: string): string {
  for (const prefix of ['myinfo.', 'pocdex.']) {
    if (getScope(prefix + key) !== undefined) return ` (did you mean ${quote(prefix + key)}?)`;
  }
  const lower = key.toLowerCase();
  if (lower !== key && getScope(lower) !== undefined) return ` (did you mean ${quote(lower)}?)`;
  return '';
}

function checkStringFields(
  record: Record<string, unknown>,
  expected: readonly string[],
  path: string,
  fail: Fail,
): void {
  for (const key of Object.keys(record)) {
    if (!expected.includes(key)) fail(path, `unknown field ${quote(key)} (expected ${expected.join(', ')})`);
  }
  for (const key of expected) {
    if (!Object.hasOwn(record, key)) fail(path, `missing field ${quote(key)}`);
  }
}

function checkRecords(scope: string, text: string, path: string, fail: Fail): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail(path, `is not valid JSON (${(e as Error).message}); this scope holds a stringified JSON array`);
  }
  if (!Array.isArray(parsed)) fail(path, `must be a stringified JSON array, got ${kindOf(parsed)}`);
  if (!isRecordScope(scope)) return;
  const fields: readonly string[] = RECORD_FIELDS[scope];
  parsed.forEach((record: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(record)) fail(at, `must be an object with ${fields.join(', ')}, got ${kindOf(record)}`);
    checkStringFields(record, fields, at, fail);
    for (const key of fields) {
      const value = record[key];
      if (key === 'vaccination_requirements') {
        if (!Array.isArray(value)) fail(`${at}.${key}`, `must be an array of {fulfilled, requirement}, got ${kindOf(value)}`);
        value.forEach((req: unknown, j) => {
          const reqAt = `${at}.${key}[${j}]`;
          if (!isPlainObject(req)) fail(reqAt, `must be an object with fulfilled, requirement, got ${kindOf(req)}`);
          checkStringFields(req, VACCINATION_FIELDS, reqAt, fail);
          for (const k of VACCINATION_FIELDS) {
            if (typeof req[k] !== 'string') fail(`${reqAt}.${k}`, `must be a string, got ${kindOf(req[k])}`);
          }
        });
      } else if (typeof value !== 'string') {
        fail(`${at}.${key}`, `must be a string, got ${kindOf(value)}`);
      } else if (key === 'date_of_birth' && parseCalendarDate(value) === undefined) {
        fail(`${at}.${key}`, `${quote(value)} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)`);
      }
    }
  });
}

function checkValue(def: ScopeDefinition, value: string, path: string, fail: Fail): void {
  switch (def.format) {
    case 'date':
      if (parseCalendarDate(value) === undefined) fail(path, `${quote(value)} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)`);
      return;
    case 'number':
      if (!/^\d+$/.test(value)) fail(path, `${quote(value)} is not a number (digits only, e.g. "1")`);
      return;
    case 'boolean':
      if (value !== 'true' && value !== 'false') fail(path, `${quote(value)} must be "true" or "false"`);
      return;
    case 'json-array':
      checkRecords(def.scope, value, path, fail);
      return;
    case 'text':
      return;
  }
}

function checkValues(input: unknown, id: string | undefined, where: string, fail: Fail): Persona['values'] {
  const path = `${where}.values`;
  if (input === undefined) return {};
  if (!isPlainObject(input)) fail(path, `must be an object mapping data scopes to string values, got ${kindOf(input)}`);
  const out: Record<string, string> = {};
  eachChecked(Object.entries(input), ([scope, value]) => {
    const at = `${path}[${quote(scope)}]`;
    const def = getScope(scope);
    if (scope === 'openid') fail(path, `"openid" is not a data scope and holds no value`);
    if (def === undefined) fail(path, `unknown scope ${quote(scope)}${unknownScopeHint(scope)}`);
    if (def.derivedFrom !== undefined) fail(at, `is derived from ${def.derivedFrom} and cannot be set`);
    if (typeof value !== 'string') {
      const hint = typeof value === 'number' || typeof value === 'boolean' ? ` (write ${quote(String(value))})` : '';
      fail(at, `must be a string (every sgID value travels as a string), got ${kindOf(value)}${hint}`);
    }
    if (value === NOT_ON_RECORD) {
      fail(at, `"NA" is what sgID sends for a field not on record: leave the field out instead`);
    }
    if (scope === 'myinfo.nric_number' && id !== undefined && value !== id) {
      fail(at, `${quote(value)} differs from the persona's id ${quote(id)} (leave it out: it defaults to the id)`);
    }
    checkValue(def, value, at, fail);
    const codes = CLOSED_CODES[scope as DataScopeName];
    // "HDB" is sgID's housing type for HDB flats; Myinfo has no private housing type for them.
    if (codes && codeFor(codes, value) === undefined && !(scope === 'myinfo.housingtype' && value.toUpperCase() === 'HDB')) {
      const extra = scope === 'myinfo.housingtype' ? ', HDB' : '';
      fail(at, `${quote(value)} is not a Myinfo ${codes.name} (one of ${acceptedValues(codes).join(', ')}${extra})`);
    }
    out[scope] = value;
  });
  // Every key was checked against the catalog above.
  return out as Persona['values'];
}

function validateAt(input: unknown, where: string, fail: Fail): Persona {
  if (!isPlainObject(input)) fail(where, `must be an object with "id", "label" and "values" (and optionally "uuid"), got ${kindOf(input)}`);
  // The id, the values and the label are checked independently: each wrong one is reported.
  const [, checkedId, values, label, uuid] = eachChecked(
    [
      () => {
        for (const key of Object.keys(input)) {
          if (!(PERSONA_FIELDS as readonly string[]).includes(key)) {
            fail(where, `unknown field ${quote(key)} (expected ${PERSONA_FIELDS.join(', ')})`);
          }
        }
      },
      () => {
        const id = input['id'];
        if (id === undefined) fail(`${where}.id`, 'is required (the NRIC or FIN of the persona)');
        if (typeof id !== 'string') fail(`${where}.id`, `must be a string, got ${kindOf(id)}`);
        const problem = explainNricOrFin(id);
        if (problem !== undefined) fail(`${where}.id`, problem);
        return id;
      },
      () => checkValues(input['values'], typeof input['id'] === 'string' ? input['id'] : undefined, where, fail),
      () => {
        const label = input['label'];
        if (label !== undefined && (typeof label !== 'string' || label.trim().length === 0)) {
          fail(`${where}.label`, `must be a non-empty string, got ${kindOf(label)}`);
        }
        return label as string | undefined;
      },
      () => {
        const uuid = input['uuid'];
        if (uuid !== undefined && (typeof uuid !== 'string' || !UUID_PATTERN.test(uuid))) {
          fail(`${where}.uuid`, `must be a lowercase UUID like "3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e" (the person's Singpass sub), got ${kindOf(uuid)}`);
        }
        return uuid as string | undefined;
      },
    ],
    (check) => check(),
  ) as [void, string, Persona['values'], string | undefined, string | undefined];
  // A persona picker entry needs words; the name is the most recognisable fallback.
  const name: string | undefined = values['myinfo.name' satisfies DataScopeName];
  return { id: checkedId, uuid: uuid ?? singpassUuid(checkedId), label: label ?? name ?? checkedId, values };
}

function failer(source?: string): Fail {
  return (path, problem) => {
    throw new PersonaValidationError(path, problem, source);
  };
}

/**
 * Checks one persona as loaded from a file and returns it in canonical form (label
 * defaulted to the name, then to the id). Throws a PersonaValidationError naming the field.
 */
export function validatePersona(input: unknown, where = 'persona'): Persona {
  return validateAt(input, where, failer());
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/**
 * Parses a personas file: either `[persona, …]` or `{ "personas": [persona, …] }`.
 * `source` (usually the file name) prefixes every error message.
 */
export function parsePersonasJson(text: string, source?: string): Persona[] {
  const fail: Fail = failer(source);
  // Editors on Windows like to start UTF-8 files with a byte order mark, which JSON forbids.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message)?.[1];
    const at = pos === undefined ? '' : ` at ${lineAndColumn(body, Number(pos))}`;
    fail('', `invalid JSON${at}: ${message}`);
  }

  let list: unknown;
  if (Array.isArray(doc)) {
    list = doc;
  } else if (isPlainObject(doc)) {
    for (const key of Object.keys(doc)) {
      if (key !== 'personas' && key !== '$schema') fail('', `unknown top-level field ${quote(key)} (expected "personas")`);
    }
    if (!Array.isArray(doc['personas'])) {
      fail(Object.hasOwn(doc, 'personas') ? 'personas' : '', `"personas" must be an array of personas, got ${kindOf(doc['personas'])}`);
    }
    list = doc['personas'];
  } else {
    fail('', `must be an array of personas or { "personas": [...] }, got ${kindOf(doc)}`);
  }
  if (!Array.isArray(list) || list.length === 0) fail('personas', 'holds no personas (at least one is needed)');

  const seen = new Map<string, number>();
  const seenUuid = new Map<string, number>();
  return eachChecked(list as unknown[], (item, i) => {
    const persona = validateAt(item, `personas[${i}]`, fail);
    const first = seen.get(persona.id);
    if (first !== undefined) fail(`personas[${i}].id`, `${quote(persona.id)} is used twice (also by personas[${first}])`);
    const firstUuid = seenUuid.get(persona.uuid);
    if (firstUuid !== undefined) fail(`personas[${i}].uuid`, `${quote(persona.uuid)} is used twice (also by personas[${firstUuid}])`);
    seen.set(persona.id, i);
    seenUuid.set(persona.uuid, i);
    return persona;
  });
}
