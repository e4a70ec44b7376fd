/**
 * Bytes and strict base64url (RFC 4648 §5, unpadded) for the compact JOSE messages the SDK
 * reads and writes. Node's Buffer is used where the runtime hands it out (it is looked up at run
 * time, never imported, so bundles stay runtime-neutral); `atob`/`btoa` elsewhere.
 */

type NodeBuffer = Uint8Array & { toString(encoding: 'utf8' | 'base64url'): string };
interface NodeBufferClass {
  from(data: string, encoding: 'base64url' | 'latin1' | 'utf8'): NodeBuffer;
  from(data: Uint8Array): NodeBuffer;
  from(data: ArrayBuffer, offset: number, length: number): NodeBuffer;
}

/** Node's `Buffer` where available (Node, Bun, Deno), else undefined. */
const NativeBuffer: NodeBufferClass | undefined = (() => {
  try {
    const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    const mod = typeof get === 'function' ? (get('buffer') as { Buffer?: NodeBufferClass } | undefined) : undefined;
    return typeof mod?.Buffer?.from === 'function' ? mod.Buffer : undefined;
  } catch {
    return undefined;
  }
})();

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** A string from UTF-8 bytes. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Unpadded base64url of bytes. */
export function b64u(bytes: Uint8Array): string {
  if (NativeBuffer) return NativeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Unpadded base64url of a string's UTF-8 bytes. */
export function b64uText(s: string): string {
  if (NativeBuffer) return NativeBuffer.from(s, 'utf8').toString('base64url');
  return b64u(encoder.encode(s));
}

/**
 * Decodes strict unpadded base64url.
 * @throws {TypeError} on a character outside the alphabet or an impossible length.
 */
export function fromB64u(s: string): Uint8Array {
  if ((s.length & 3) === 1 || !BASE64URL.test(s)) throw new TypeError('invalid base64url');
  if (NativeBuffer) return NativeBuffer.from(s, 'base64url');
  const binary = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Decodes strict unpadded base64url holding a JSON object (a JOSE header or payload).
 * @throws {TypeError} when it is not one.
 */
export function jsonSegment(segment: string): Record<string, unknown> {
  if ((segment.length & 3) === 1 || !BASE64URL.test(segment)) throw new TypeError('invalid base64url');
  const text = NativeBuffer ? NativeBuffer.from(segment, 'base64url').toString('utf8') : decoder.decode(fromB64u(segment));
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('not a JSON object');
  return value as Record<string, unknown>;
}

/** The bytes of an ASCII string (a base64url JOSE segment). */
export function ascii(s: string): Uint8Array {
  if (NativeBuffer) return NativeBuffer.from(s, 'latin1');
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The bytes of `parts`, one after the other. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Constant-time comparison of two byte strings of public length. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A 32-bit big-endian unsigned integer. */
export function uint32be(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/**
 * Random bytes come from a 4 KiB pool refilled with one `crypto.getRandomValues` call: a login
 * takes about 160 random bytes in eight pieces (state, nonce, verifier, five `jti`s), and on
 * Node each getRandomValues call costs ~15 µs whatever its size. Every byte is used once.
 */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let poolAt = 0;

/** `n` (≤ 4096) fresh random bytes. */
export function randomBytes(n: number): Uint8Array {
  if (poolAt + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    poolAt = 0;
  }
  const out = pool.slice(poolAt, poolAt + n);
  pool.fill(0, poolAt, poolAt + n);
  poolAt += n;
  return out;
}

/** `n` random bytes as unpadded base64url (state, nonce, jti, PKCE verifier). */
export function randomB64u(n: number): string {
  return b64u(randomBytes(n));
}
