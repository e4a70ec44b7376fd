/** Random identifiers and the hashes under which secrets are stored. */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `bytes` random bytes as base64url (default 32 bytes = 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Random alphanumeric string (client secrets: sgID's are 32 characters). */
export function randomAlphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const out: string[] = [];
  // Rejection sampling keeps every character equally likely.
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out.push(alphabet[b % 62]!);
    }
  }
  return out.join('');
}

/**
 * The key under which a bearer secret (code, access token) is stored: a leaked database
 * gives no usable code or token. SHA-256 is enough for 256-bit random values.
 */
export function storageKey(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/**
 * Client secrets at rest. They are 32 random characters (~190 bits), so a fast hash resists
 * guessing as well as a slow KDF would, without costing every token request milliseconds.
 */
export function hashSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

/** Constant-time equality of two strings (only their lengths may leak). */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, stored: string): boolean {
  return constantTimeEqual(hashSecret(secret), stored);
}

/** Pairwise subject: stable per (client, person), unlinkable across clients, not reversible. */
export function pairwiseSub(secret: string, clientId: string, personId: string): string {
  return createHmac('sha256', secret).update(`${clientId}\u0000${personId}`).digest('base64url').slice(0, 32);
}
