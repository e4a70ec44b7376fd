/**
 * A clock the test moves by hand, for a provider started with it (`startProvider({ clock })`):
 * TTLs, ID-token times, key rotation and the personas' "today" then follow it, and a test of
 * expiry advances it instead of sleeping — so it passes however busy the machine is.
 */
export class TestClock {
  #ms: number;

  constructor(start: number | string | Date = Date.now()) {
    this.#ms = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.#ms)) throw new Error(`TestClock: not a time: ${String(start)}`);
  }

  /** The provider's clock: bound, so it can be handed over as is. */
  readonly now = (): number => this.#ms;

  advance(ms: number): void {
    this.#ms += ms;
  }

  set(to: number | string | Date): void {
    const ms = typeof to === 'number' ? to : new Date(to).getTime();
    if (!Number.isFinite(ms)) throw new Error(`TestClock: not a time: ${String(to)}`);
    this.#ms = ms;
  }
}
