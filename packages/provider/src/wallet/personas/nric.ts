/**
 * Singapore NRIC / FIN numbers: a prefix letter, 7 digits and a check letter.
 *
 * S/T are NRICs (citizens and PRs, T for those registered from 2000), F/G are FINs issued
 * before 2022 (G from 2000), M is the FIN series issued from 2022. The check letter is what
 * relying parties validate, so every persona id must carry the right one.
 */

export type NricPrefix = 'S' | 'T' | 'F' | 'G' | 'M';

const WEIGHTS = [2, 7, 6, 5, 4, 3, 2] as const;

// The series started in 2000 (T, G) and 2022 (M) shift the weighted sum so that their check
// letters do not collide with the older series for the same digits.
const OFFSET: Record<NricPrefix, number> = { S: 0, T: 4, F: 0, G: 4, M: 3 };

// Indexed by (weighted sum + offset) mod 11. The M table is the published one read backwards:
// ICA defines M as table[10 - remainder] over "KLJNPQRTUWX".
const LETTERS: Record<NricPrefix, string> = {
  S: 'JZIHGFEDCBA',
  T: 'JZIHGFEDCBA',
  F: 'XWUTRQPNMLK',
  G: 'XWUTRQPNMLK',
  M: 'XWUTRQPNJLK',
};

const SHAPE = /^([STFGM])(\d{7})([A-Z])$/;

export function isNricPrefix(value: string): value is NricPrefix {
  return value === 'S' || value === 'T' || value === 'F' || value === 'G' || value === 'M';
}

/** The check letter for `prefix` + 7 `digits`. Throws when `digits` is not exactly 7 digits. */
export function nricCheckLetter(prefix: NricPrefix, digits: string): string {
  if (!/^\d{7}$/.test(digits)) throw new RangeError(`NRIC/FIN digits must be 7 digits, got "${digits}"`);
  if (!isNricPrefix(prefix)) throw new RangeError(`NRIC/FIN prefix must be S, T, F, G or M, got "${String(prefix)}"`);
  let sum = OFFSET[prefix];
  for (let i = 0; i < 7; i++) sum += Number(digits[i]) * (WEIGHTS[i] ?? 0);
  const letter = LETTERS[prefix][sum % 11];
  if (letter === undefined) throw new Error('unreachable: remainder outside the letter table');
  return letter;
}

/** A complete NRIC/FIN with its check letter, e.g. makeNric('S', '1234567') → "S1234567D". */
export function makeNric(prefix: NricPrefix, digits: string): string {
  return `${prefix}${digits}${nricCheckLetter(prefix, digits)}`;
}

/** Whether `id` is an NRIC/FIN (uppercase, as sgID sends it) with the right check letter. */
export function isValidNricOrFin(id: string): boolean {
  return explainNricOrFin(id) === undefined;
}

/**
 * Why `id` is not a valid NRIC/FIN, in words, or undefined when it is valid.
 * Used by the persona file validator so the user learns the letter they should have typed.
 */
export function explainNricOrFin(id: string): string | undefined {
  const m = SHAPE.exec(id);
  if (m === null) {
    return `${JSON.stringify(id)} is not an NRIC/FIN (S, T, F, G or M, then 7 digits and a check letter, uppercase)`;
  }
  const [, prefix = '', digits = '', letter = ''] = m;
  if (!isNricPrefix(prefix)) return `${JSON.stringify(id)} has an unknown prefix`;
  const expected = nricCheckLetter(prefix, digits);
  if (letter !== expected) return `${JSON.stringify(id)} has a wrong check letter (expected ${expected})`;
  return undefined;
}
