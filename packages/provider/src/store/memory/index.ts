/**
 * In-process store: for unit tests and throwaway runs (`--data :memory:` uses SQLite's
 * in-memory mode instead, which keeps one code path). Single process only.
 */
import { systemClock } from '../../clock.js';
import type { Clock } from '../../clock.js';
import type { ClientRecord, EphemeralKind, PersonaRecord, SigningKeyRecord, SingpassClientRecord, Store } from '../types.js';

interface Entry {
  json: string;
  expiresAt: number;
}

const clone = <T>(v: T): T => structuredClone(v);

/** `now`: the clock of the short-lived records' TTLs (the system's unless a test gives one). */
export function createMemoryStore(opts: { now?: Clock } = {}): Store {
  const now = opts.now ?? systemClock;
  const clients = new Map<string, ClientRecord>();
  const singpassClients = new Map<string, SingpassClientRecord>();
  const keys = new Map<string, SigningKeyRecord>();
  const personas = new Map<string, PersonaRecord>();
  const settings = new Map<string, string>();
  const ephemeral = new Map<string, Entry>();
  const lists = new Map<string, Entry[]>();
  const k = (kind: EphemeralKind, key: string) => `${kind}\u0000${key}`;

  const live = (id: string): Entry | undefined => {
    const e = ephemeral.get(id);
    if (e && e.expiresAt <= now()) {
      ephemeral.delete(id);
      return undefined;
    }
    return e;
  };

  return {
    description: 'memory',
    async getClient(id) {
      const c = clients.get(id);
      return c && clone(c);
    },
    async listClients() {
      return [...clients.values()].map(clone);
    },
    async putClient(c) {
      clients.set(c.id, clone(c));
    },
    async deleteClient(id) {
      return clients.delete(id);
    },
    async getSingpassClient(id) {
      const c = singpassClients.get(id);
      return c && clone(c);
    },
    async listSingpassClients() {
      return [...singpassClients.values()].map(clone);
    },
    async putSingpassClient(c) {
      singpassClients.set(c.id, clone(c));
    },
    async deleteSingpassClient(id) {
      return singpassClients.delete(id);
    },
    async listKeys() {
      return [...keys.values()].map(clone);
    },
    async putKey(key) {
      keys.set(key.kid, clone(key));
    },
    async deleteKey(kid) {
      return keys.delete(kid);
    },
    async listPersonas() {
      return [...personas.values()].map(clone);
    },
    async putPersona(p) {
      personas.set(p.id, clone(p));
    },
    async deletePersona(id) {
      return personas.delete(id);
    },
    async getSetting(name) {
      return settings.get(name);
    },
    async initSetting(name, value) {
      if (!settings.has(name)) settings.set(name, value);
      return settings.get(name)!;
    },
    async put(kind, key, value, ttlMs) {
      ephemeral.set(k(kind, key), { json: JSON.stringify(value), expiresAt: now() + ttlMs });
    },
    async get<T>(kind: EphemeralKind, key: string) {
      const e = live(k(kind, key));
      return e ? (JSON.parse(e.json) as T) : undefined;
    },
    async consume<T>(kind: EphemeralKind, key: string) {
      const id = k(kind, key);
      const e = live(id);
      if (!e) return undefined;
      ephemeral.delete(id);
      return JSON.parse(e.json) as T;
    },
    async delete(kind, key) {
      ephemeral.delete(k(kind, key));
    },
    async increment(kind, key, ttlMs) {
      const id = k(kind, key);
      const e = live(id);
      const n = e ? (JSON.parse(e.json) as number) + 1 : 1;
      ephemeral.set(id, { json: String(n), expiresAt: e ? e.expiresAt : now() + ttlMs });
      return n;
    },
    async appendToLists(appends) {
      const at = now();
      for (const a of appends) {
        const id = k(a.kind, a.key);
        const list = (lists.get(id) ?? []).filter((e) => e.expiresAt > at);
        for (const v of a.values) list.push({ json: JSON.stringify(v), expiresAt: at + a.ttlMs });
        lists.set(id, list.slice(-a.maxLength));
      }
    },
    async readLists<T>(kind: EphemeralKind, keys: readonly string[]) {
      const at = now();
      return keys.map((key) => (lists.get(k(kind, key)) ?? []).filter((e) => e.expiresAt > at).map((e) => JSON.parse(e.json) as T));
    },
    async ping() {},
    async sweep() {
      const at = now();
      for (const [id, e] of ephemeral) if (e.expiresAt <= at) ephemeral.delete(id);
      for (const [id, list] of lists) {
        const live = list.filter((e) => e.expiresAt > at);
        if (live.length === 0) lists.delete(id);
        else if (live.length !== list.length) lists.set(id, live);
      }
    },
    async close() {},
  };
}
