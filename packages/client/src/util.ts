/**
 * The official SDK's exported helpers (its `util.ts`), with the same behaviour.
 */
export { convertPkcs1ToPkcs8 } from './pem.js';
import type { ParsedSgidDataValue } from './types.js';

/** Whether a string looks like a stringified JSON array (`[…]`) or object (`{…}`). */
export function isStringifiedArrayOrObject(possibleArrayOrObjectString: string): boolean {
  const s = possibleArrayOrObjectString;
  return (s.charAt(0) === '[' && s.charAt(s.length - 1) === ']') || (s.charAt(0) === '{' && s.charAt(s.length - 1) === '}');
}

/** Whether `value` is a string with at least one character. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** `JSON.parse`, or the input unchanged when it is not valid JSON. */
export function safeJsonParse(jsonString: string): ParsedSgidDataValue {
  try {
    return JSON.parse(jsonString) as ParsedSgidDataValue;
  } catch {
    return jsonString;
  }
}

/** Whether `data` is a plain object whose values are all strings (the shape `userinfo` returns). */
export function isSgidUserinfoObject(data: unknown): data is Record<string, string> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  return Object.values(data).every((value) => typeof value === 'string');
}
