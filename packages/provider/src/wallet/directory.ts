/**
 * The personas a wallet user can sign in as: the built-in ones (recomputed each Singapore
 * day, so "turns 18 today" stays true) and extra ones kept in the store.
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Store } from '../store/types.js';
import { builtInPersonas, formatCalendarDate, singaporeDate, validatePersona } from './personas/index.js';
import type { Persona } from './personas/index.js';

export class PersonaDirectory {
  private builtIn: { day: string; list: Persona[] } | undefined;
  private extra: { at: number; list: Persona[] } | undefined;

  constructor(
    private readonly store: Store,
    private readonly now: Clock = systemClock,
  ) {}

  private builtInFor(today: Date): Persona[] {
    // Keyed by the Singapore date, the date the personas are computed for: a UTC day would
    // keep yesterday's birthdays from 00:00 to 08:00 in Singapore.
    const day = formatCalendarDate(singaporeDate(today));
    if (this.builtIn?.day !== day) this.builtIn = { day, list: builtInPersonas(today) };
    return this.builtIn.list;
  }

  private async extras(): Promise<Persona[]> {
    // Reloaded every few seconds so personas added by another process show up.
    if (this.extra && this.now() - this.extra.at < 5_000) return this.extra.list;
    const list: Persona[] = [];
    for (const rec of await this.store.listPersonas()) {
      try {
        list.push(validatePersona(rec.data, `stored persona ${rec.id}`));
      } catch {
        // A stored persona that no longer validates is skipped rather than breaking logins.
      }
    }
    this.extra = { at: this.now(), list };
    return list;
  }

  /** Every persona; a stored persona with the id of a built-in one replaces it. */
  async list(today = new Date(this.now())): Promise<Persona[]> {
    const extras = await this.extras();
    const ids = new Set(extras.map((p) => p.id));
    return [...this.builtInFor(today).filter((p) => !ids.has(p.id)), ...extras];
  }

  async get(id: string, today = new Date(this.now())): Promise<Persona | undefined> {
    const found = (await this.list(today)).find((p) => p.id === id);
    if (found || !this.extra) return found;
    // Not here: it may have been added by another process since the last reload. One query
    // settles it, so a persona added on one process can be chosen on another at once.
    this.extra = undefined;
    return (await this.list(today)).find((p) => p.id === id);
  }

  /** The persona with this Singpass UUID (the `sub` of a Singpass login). */
  async byUuid(uuid: string, today = new Date()): Promise<Persona | undefined> {
    const found = (await this.list(today)).find((p) => p.uuid === uuid);
    if (found || !this.extra) return found;
    this.extra = undefined;
    return (await this.list(today)).find((p) => p.uuid === uuid);
  }

  /** Adds or replaces extra personas in the store. */
  async add(personas: readonly Persona[]): Promise<void> {
    for (const p of personas) await this.store.putPersona({ id: p.id, data: p, createdAt: this.now() });
    this.extra = undefined;
  }
}
