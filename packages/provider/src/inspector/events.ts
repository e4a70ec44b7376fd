/**
 * The login inspector's record of one step of a login, for sgID and Singpass alike. A login is
 * the trace: every step it takes (authorize or PAR, the wallet, the browser's return with a
 * code, the token request, userinfo) appends one StepEvent with the trace's id, so that its
 * timeline can be read back from any process. Only what helps a developer fix their request,
 * masked: never a client secret, a code, a verifier or a token in full, no personal values.
 */
import type { CheckId } from './checks.js';

/** The protocol a step belongs to. */
export type InspectProtocol = 'sgid' | 'singpass';

/**
 * The steps of a login. `authorize`/`par`: the request that starts it; `wallet`: the person's
 * answer in the (simulated) Singpass app; `code`: the browser sent back with a code (or an
 * error); `token` and `userinfo`: the relying party's back-channel requests.
 */
export type StepName = 'par' | 'authorize' | 'wallet' | 'code' | 'token' | 'userinfo';

/** `waiting`: the step is done and the login waits for the person (the QR page is shown). */
export type StepOutcome = 'ok' | 'refused' | 'waiting';

/** One check that ran, and whether it passed. */
export interface CheckRun {
  id: CheckId;
  ok: boolean;
}

/** Why a step was refused: the check, and the OAuth error the response carried. */
export interface Refusal {
  /** The check that refused, when the step knows it. */
  check: CheckId | null;
  error: string;
  status: number;
  /** The response's error_description: what to fix. */
  description: string;
}

/** Where a step stands in a relying-party conformance run (see conformance/). */
export interface ConformanceMark {
  run: string;
  /** 1-based position in the run. */
  step: number;
  /** How many logins the run has. */
  of: number;
  /** The defect id (conformance/defects.ts), or "correct" for the run's correct login. */
  defect: string;
  /** What the provider deliberately did, in words. */
  title: string;
}

export interface StepEvent {
  /** Format version. */
  v: 1;
  /** The login this step belongs to. */
  trace: string;
  /** When the step was answered (ms epoch). */
  at: number;
  protocol: InspectProtocol;
  /** Singpass: `fapi` or `legacy`. */
  flow?: string;
  /** The client, or '' when the request named none that is registered. */
  clientId: string;
  step: StepName;
  outcome: StepOutcome;
  /** The checks that ran, in order. */
  checks: CheckRun[];
  refused?: Refusal;
  /** The request's parameters as received (masked). */
  request?: Record<string, string>;
  /** What was answered or decided (masked; the ID token decoded, without its signature). */
  response?: Record<string, unknown>;
  /** Remarks in words: what the provider noticed or did. */
  notes?: string[];
  conformance?: ConformanceMark;
}

/** A login as the inspector shows it: its steps, oldest first. */
export interface LoginTrace {
  trace: string;
  clientId: string;
  protocol: InspectProtocol;
  startedAt: number;
  updatedAt: number;
  /** The last step's outcome. */
  outcome: StepOutcome;
  /** Where it stands, in words ("refused at token: …", "userinfo answered"…). */
  summary: string;
  steps: StepEvent[];
}
