/**
 * Strict base64url (RFC 4648 §5, no padding) for the compact JOSE fast path: any character
 * outside the alphabet, or an impossible length, is refused (TypeError).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Sextet per ASCII code, -1 outside the alphabet. */
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** The part of Node's Buffer used here. */
interface NodeBufferClass {
  from(s: string, encoding: 'base64url' | 'latin1'): Uint8Array & { toString(encoding: 'utf8'): string };
}

/** Node's Buffer, where the runtime hands it out (./platform.ts explains why not imported). */
const NativeBuffer = (() => {
  try {
    const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    const mod = typeof get === 'function' ? (get('buffer') as { Buffer?: NodeBufferClass } | undefined) : undefined;
    return typeof mod?.Buffer?.from === 'function' ? mod.Buffer : undefined;
  } catch {
    return undefined;
  }
})();
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes unpadded base64url: Node's native decoder where available (after the same strict
 * check), else the portable one below. Even for the short segments of a JWE, the native decoder
 * costs less within a login: its small results come from Buffer's pool, where the portable one
 * allocates a fresh array each time.
 * @throws {TypeError} on any character outside the alphabet or an impossible length.
 */
export function decodeBase64url(s: string): Uint8Array {
  if (NativeBuffer) {
    if ((s.length & 3) === 1 || !BASE64URL.test(s)) throw new TypeError('invalid base64url');
    return NativeBuffer.from(s, 'base64url');
  }
  return decodeBase64urlPortable(s);
}

/**
 * Decodes unpadded base64url. Branch-free inner loop: invalid characters are collected in
 * `bad` (a negative sextet, or a code above 127) and refused at the end.
 * @throws {TypeError} on any character outside the alphabet or an impossible length.
 */
export function decodeBase64urlPortable(s: string): Uint8Array {
  const len = s.length;
  const rest = len & 3;
  if (rest === 1) throw new TypeError('invalid base64url length');
  const out = new Uint8Array((len >> 2) * 3 + (rest ? rest - 1 : 0));
  const T = VALUES;
  let bad = 0;
  let o = 0;
  let i = 0;
  for (const whole = len - rest; i < whole; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    const v0 = T[c0 & 127]!;
    const v1 = T[c1 & 127]!;
    const v2 = T[c2 & 127]!;
    const v3 = T[c3 & 127]!;
    bad |= (c0 | c1 | c2 | c3) & ~127;
    bad |= v0 | v1 | v2 | v3;
    const n = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
    out[o++] = n >> 16;
    out[o++] = n >> 8;
    out[o++] = n;
  }
  if (rest) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = rest === 3 ? s.charCodeAt(i + 2) : 65; // 'A' (0) when absent
    const v0 = T[c0 & 127]!;
    const v1 = T[c1 & 127]!;
    const v2 = T[c2 & 127]!;
    bad |= (c0 | c1 | c2) & ~127;
    bad |= v0 | v1 | v2;
    const n = (v0 << 18) | (v1 << 12) | (v2 << 6);
    out[o++] = n >> 16;
    if (rest === 3) out[o] = n >> 8;
  }
  if (bad !== 0 && (bad < 0 || bad & ~127)) throw new TypeError('invalid base64url');
  return out;
}

const utf8 = new TextDecoder();

/**
 * Decodes unpadded base64url holding UTF-8 text (a JOSE header or payload), as
 * `new TextDecoder().decode(decodeBase64url(s))` would: with Node's Buffer where available,
 * which skips a TextDecoder call per segment.
 * @throws {TypeError} on any character outside the alphabet or an impossible length.
 */
export function decodeBase64urlText(s: string): string {
  if (NativeBuffer) {
    if ((s.length & 3) === 1 || !BASE64URL.test(s)) throw new TypeError('invalid base64url');
    return NativeBuffer.from(s, 'base64url').toString('utf8');
  }
  return utf8.decode(decodeBase64urlPortable(s));
}

/** The bytes of an ASCII string (a JOSE segment, already checked to be base64url). */
export function asciiBytes(s: string): Uint8Array {
  if (NativeBuffer) return NativeBuffer.from(s, 'latin1');
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
