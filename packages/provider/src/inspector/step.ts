/**
 * The seam every endpoint calls to explain itself in the login inspector, for sgID and
 * Singpass alike. An endpoint opens a step, runs its checks through it and ends it:
 *
 *   inspected(ctx, { protocol: 'sgid', step: 'token' }, async (s) => {
 *     const client = await s.check('client_secret', () => authenticateClient(…));
 *     s.trace(record.trace);                      // joins the login's timeline
 *     s.check('pkce_verifier', () => checkCodeVerifier(verifier, record.codeChallenge));
 *     s.response({ id_token: { header, claims } });
 *     return answer;                              // ends the step "ok"
 *   });                                           // a throw ends it "refused" and rethrows
 *
 * A check that throws is the refusing check; the refusal shows the error the response
 * carries (its error_description is the fix, in one sentence). Nothing here touches the store:
 * the record is queued in the recorder, which writes in batches.
 */
import { OAuthError } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { StoreUnavailableError } from '../store/types.js';
import { randomToken } from '../util/secrets.js';
import type { CheckId } from './checks.js';
import type { CheckRun, ConformanceMark, InspectProtocol, Refusal, StepEvent, StepName, StepOutcome } from './events.js';
import type { InspectorRecorder } from './recorder.js';

export interface StepInit {
  protocol: InspectProtocol;
  step: StepName;
  /** Singpass: `fapi` or `legacy`. */
  flow?: string;
  clientId?: string;
  /** The login's trace id, when the endpoint already knows it. */
  trace?: string;
}

/** A new trace id: 12 characters, enough to tell a day's logins apart. */
export function newTraceId(): string {
  return randomToken(9);
}

/** The error code, status and description a response carries for `err` (as http.ts answers it). */
export function refusalOf(err: unknown): Omit<Refusal, 'check'> {
  if (err instanceof OAuthError) return { error: err.error, status: err.status, description: err.message };
  if (err instanceof StoreUnavailableError) {
    return { error: 'temporarily_unavailable', status: 503, description: "the provider's storage is unavailable right now; try again in a few seconds" };
  }
  return { error: 'server_error', status: 500, description: 'the provider hit an internal error; see its log' };
}

export class InspectStep {
  readonly #recorder: InspectorRecorder;
  readonly #init: StepInit;
  #trace: string | undefined;
  #clientId: string;
  readonly #checks: CheckRun[] = [];
  #refusingCheck: CheckId | null = null;
  #request: Record<string, string> | undefined;
  #response: Record<string, unknown> | undefined;
  #notes: string[] | undefined;
  #conformance: ConformanceMark | undefined;
  #ended = false;

  constructor(recorder: InspectorRecorder, init: StepInit) {
    this.#recorder = recorder;
    this.#init = init;
    this.#trace = init.trace;
    this.#clientId = init.clientId ?? '';
  }

  /** The login's trace id: the one joined, or a new one (a step that starts a login). */
  get traceId(): string {
    return (this.#trace ??= newTraceId());
  }

  /** Joins an existing login's timeline (the id kept in its login, code or token record). */
  trace(id: string | undefined): this {
    if (id !== undefined) this.#trace = id;
    return this;
  }

  /** The registered client the step is about. */
  client(id: string): this {
    this.#clientId = id;
    return this;
  }

  /** The request's parameters as received, already masked (see mask.ts). */
  request(params: Record<string, string>): this {
    this.#request = params;
    return this;
  }

  /** What was answered or decided (masked), merged with what was given before. */
  response(fields: Record<string, unknown>): this {
    this.#response = this.#response ? { ...this.#response, ...fields } : fields;
    return this;
  }

  note(text: string): this {
    (this.#notes ??= []).push(text);
    return this;
  }

  conformance(mark: ConformanceMark): this {
    this.#conformance = mark;
    return this;
  }

  /** Runs a check (sync or async) and records its result; a throw makes it the refusing check. */
  check<T>(id: CheckId, fn: () => T): T {
    let out: T;
    try {
      out = fn();
    } catch (err) {
      this.#failed(id);
      throw err;
    }
    if (out instanceof Promise) {
      return out.then(
        (v: unknown) => {
          this.#passed(id);
          return v;
        },
        (err: unknown) => {
          this.#failed(id);
          throw err;
        },
      ) as T;
    }
    this.#passed(id);
    return out;
  }

  /** A check that passed without a function to run (e.g. decided by a lookup above). */
  pass(id: CheckId): void {
    this.#passed(id);
  }

  // A check run in several parts (parameters checked as they are read) is listed once.
  #passed(id: CheckId): void {
    if (!this.#checks.some((c) => c.id === id)) this.#checks.push({ id, ok: true });
  }

  #failed(id: CheckId): void {
    const seen = this.#checks.find((c) => c.id === id);
    if (seen) seen.ok = false;
    else this.#checks.push({ id, ok: false });
    this.#refusingCheck ??= id;
  }

  /** Ends the step (the first end counts). */
  done(outcome: Exclude<StepOutcome, 'refused'> = 'ok'): void {
    this.#end(outcome);
  }

  /** Ends the step as refused with the error its response carries. */
  refuse(err: unknown): void {
    this.#end('refused', { check: this.#refusingCheck, ...refusalOf(err) });
  }

  #end(outcome: StepOutcome, refused?: Refusal): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#recorder.enabled) return;
    const event: StepEvent = {
      v: 1,
      trace: this.traceId,
      at: this.#recorder.now(),
      protocol: this.#init.protocol,
      clientId: this.#clientId,
      step: this.#init.step,
      outcome,
      checks: this.#checks,
    };
    if (this.#init.flow !== undefined) event.flow = this.#init.flow;
    if (refused) event.refused = refused;
    if (this.#request) event.request = this.#request;
    if (this.#response) event.response = this.#response;
    if (this.#notes) event.notes = this.#notes;
    if (this.#conformance) event.conformance = this.#conformance;
    this.#recorder.record(event);
  }
}

/**
 * Runs an endpoint's work as one inspected step: ended "ok" when `fn` returns (unless it ended
 * the step itself), "refused" with the error when it throws (the error is rethrown).
 */
export async function inspected<T>(ctx: ProviderContext, init: StepInit, fn: (s: InspectStep) => Promise<T>): Promise<T> {
  const s = new InspectStep(ctx.inspector, init);
  try {
    const out = await fn(s);
    s.done();
    return out;
  } catch (err) {
    s.refuse(err);
    throw err;
  }
}
