/**
 * Calendar dates as Myinfo writes them (YYYY-MM-DD, or YYYY-MM / YYYY when the day or month
 * is not on record), and "today" as a Singapore calendar date.
 */

/** A calendar date; month and day are absent for a partial date. Months are 1–12. */
export interface CalendarDate {
  year: number;
  month?: number;
  day?: number;
}

const DATE_SHAPE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses YYYY-MM-DD, YYYY-MM or YYYY; undefined for anything else, including 1990-02-30. */
export function parseCalendarDate(value: string): CalendarDate | undefined {
  const m = DATE_SHAPE.exec(value);
  if (m === null) return undefined;
  const year = Number(m[1]);
  if (m[2] === undefined) return { year };
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  if (m[3] === undefined) return { year, month };
  const day = Number(m[3]);
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function formatCalendarDate(date: CalendarDate): string {
  let out = pad(date.year, 4);
  if (date.month !== undefined) out += `-${pad(date.month)}`;
  if (date.month !== undefined && date.day !== undefined) out += `-${pad(date.day)}`;
  return out;
}

// Singapore has kept UTC+8 with no daylight saving since 1982, so a fixed offset is exact for
// any "today" this code will see.
const SINGAPORE_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The Singapore calendar date at instant `now`. Ages are a Singapore fact (sgID answers for
 * Singapore residents), so the day rolls over at midnight SGT whatever the server's time zone:
 * `new Date('2025-03-10')` (UTC midnight) is 10 March, `2025-03-10T17:00Z` is already 11 March.
 */
export function singaporeDate(now: Date): Required<CalendarDate> {
  const shifted = new Date(now.getTime() + SINGAPORE_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** `date` moved by `days` calendar days (negative goes back). */
export function addDays(date: Required<CalendarDate>, days: number): Required<CalendarDate> {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * Completed years between a birth date and `today` (both Singapore calendar dates).
 * Comparing (month, day) pairs means someone born on 29 February has their birthday on
 * 1 March in common years: the later, conservative reading for an age gate.
 */
export function completedYears(birth: Required<CalendarDate>, today: Required<CalendarDate>): number {
  const beforeBirthday = today.month < birth.month || (today.month === birth.month && today.day < birth.day);
  return today.year - birth.year - (beforeBirthday ? 1 : 0);
}

/**
 * The latest day a partial date can stand for: 1965-08 → 1965-08-31, 1965 → 1965-12-31.
 * Used for age gates, so a missing day or month never makes someone look older than they are.
 */
export function latestPossibleDate(date: CalendarDate): Required<CalendarDate> {
  const month = date.month ?? 12;
  const day = date.day ?? daysInMonth(date.year, month);
  return { year: date.year, month, day };
}

/**
 * The age a person with this (possibly partial) date of birth is certainly at least on
 * `today`, in completed years; undefined when `dateOfBirth` is not a date.
 * For a full date this is simply their age. For YYYY-MM / YYYY the latest possible birth day
 * is assumed, so a "true" from an age gate built on it holds whatever the missing parts are.
 */
export function ageOn(dateOfBirth: string, today: Date): number | undefined {
  const parsed = parseCalendarDate(dateOfBirth);
  if (parsed === undefined) return undefined;
  return completedYears(latestPossibleDate(parsed), singaporeDate(today));
}

/** Whether the person is certainly `years` old or older on `today`; undefined for a non-date. */
export function isAgeAtLeast(dateOfBirth: string, years: number, today: Date): boolean | undefined {
  const age = ageOn(dateOfBirth, today);
  return age === undefined ? undefined : age >= years;
}
