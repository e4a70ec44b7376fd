/**
 * A persona's Singpass UUID: the `sub` every Singpass client sees for that person. Derived from
 * the NRIC/FIN alone (a version-4-shaped UUID from its SHA-256), so it is the same on every
 * provider, every restart and every store — a test suite can write it down — while a persona
 * file may still set its own.
 */
import { createHash } from 'node:crypto';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function singpassUuid(personId: string): string {
  const b = createHash('sha256').update(`sgid-provider singpass uuid\u0000${personId}`).digest();
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
