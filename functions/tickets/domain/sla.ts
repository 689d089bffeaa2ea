/**
 * The SLA clocks of a ticket (AFT-2), pure: due times from the category's policy, time paused while
 * the ticket waits on the customer, and breach detection given `now`.
 *
 * A ticket has two clocks, both started when it is opened:
 * - `first-response`: stops at the first reply an agent sends the customer (internal notes do not count);
 * - `resolution`: stops when the ticket is resolved.
 * Time spent `WAITING_ON_CUSTOMER` is not business time: every pause pushes both due times back by
 * its length. A clock breaches when it is still running and its due time has passed; each clock
 * breaches (and is escalated) at most once.
 */

/** The two clocks of a ticket. */
export const SLA_CLOCKS = ['first-response', 'resolution'] as const;
export type SlaClockName = (typeof SLA_CLOCKS)[number];

/** A category's clocks: how long each may run, in business time (paused time excluded). */
export interface SlaPolicy {
  readonly firstResponseMinutes: number;
  readonly resolutionHours: number;
}

/** What the clocks need to know about a ticket (epoch milliseconds). */
export interface ClockState {
  readonly openedAt: number;
  /** Paused time already over (closed pauses), in ms. */
  readonly pausedMs: number;
  /** Set while the ticket waits on the customer. */
  readonly pausedSince?: number;
  /** When an agent first replied to the customer. */
  readonly firstRespondedAt?: number;
  readonly resolvedAt?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The business-time limit of a clock, in ms. */
export function limitMs(policy: SlaPolicy, clock: SlaClockName): number {
  return clock === 'first-response' ? policy.firstResponseMinutes * MINUTE : policy.resolutionHours * HOUR;
}

/** A new clock state for a ticket opened at `openedAt`. */
export function startClocks(openedAt: number): ClockState {
  return { openedAt, pausedMs: 0 };
}

/** Pauses the clocks at `at` (the ticket starts waiting on the customer); already paused: unchanged. */
export function pause(state: ClockState, at: number): ClockState {
  if (state.pausedSince !== undefined) return state;
  return { ...state, pausedSince: Math.max(at, state.openedAt) };
}

/** Resumes the clocks at `at`; not paused: unchanged. */
export function resume(state: ClockState, at: number): ClockState {
  if (state.pausedSince === undefined) return state;
  const { pausedSince, ...rest } = state;
  return { ...rest, pausedMs: state.pausedMs + Math.max(0, at - pausedSince) };
}

/** Paused time up to `now` (closed pauses plus the current one). */
export function pausedUntil(state: ClockState, now: number): number {
  return state.pausedMs + (state.pausedSince !== undefined ? Math.max(0, now - state.pausedSince) : 0);
}

/** Business time elapsed since opening, up to `now`: wall time minus paused time. */
export function elapsedBusinessMs(state: ClockState, now: number): number {
  return Math.max(0, now - state.openedAt - pausedUntil(state, now));
}

/** When a clock stopped, if it has. */
export function stoppedAt(state: ClockState, clock: SlaClockName): number | undefined {
  return clock === 'first-response' ? (state.firstRespondedAt ?? state.resolvedAt) : state.resolvedAt;
}

/**
 * The due time of a clock as of `now`: opened + limit + paused time so far. While paused it moves
 * with `now` (the clock does not run); a stopped clock's due time is as of its stop.
 */
export function dueAt(state: ClockState, policy: SlaPolicy, clock: SlaClockName, now: number): number {
  const asOf = stoppedAt(state, clock) ?? now;
  return state.openedAt + limitMs(policy, clock) + pausedUntil(state, asOf);
}

/** Both due times as of `now`. */
export function dueTimes(state: ClockState, policy: SlaPolicy, now: number): Record<SlaClockName, number> {
  return { 'first-response': dueAt(state, policy, 'first-response', now), resolution: dueAt(state, policy, 'resolution', now) };
}

/** True when the clock is running (not stopped) and its due time has passed at `now`. Paused clocks never breach. */
export function isBreached(state: ClockState, policy: SlaPolicy, clock: SlaClockName, now: number): boolean {
  if (stoppedAt(state, clock) !== undefined || state.pausedSince !== undefined) return false;
  return now > dueAt(state, policy, clock, now);
}

/** The clocks breached at `now`, except those already recorded. */
export function newBreaches(state: ClockState, policy: SlaPolicy, now: number, recorded: readonly SlaClockName[]): SlaClockName[] {
  return SLA_CLOCKS.filter((clock) => !recorded.includes(clock) && isBreached(state, policy, clock, now));
}

/** Whether a stopped clock stopped in time (`undefined` while it runs). */
export function metClock(state: ClockState, policy: SlaPolicy, clock: SlaClockName): boolean | undefined {
  const stop = stoppedAt(state, clock);
  if (stop === undefined) return undefined;
  return stop <= dueAt(state, policy, clock, stop);
}

/**
 * The next time the sweep must look at the ticket: the earliest due time of a clock that runs and
 * has not breached yet; `undefined` while paused or when no such clock is left.
 */
export function nextDue(state: ClockState, policy: SlaPolicy, now: number, recorded: readonly SlaClockName[]): number | undefined {
  if (state.pausedSince !== undefined) return undefined;
  const due = SLA_CLOCKS.filter((c) => stoppedAt(state, c) === undefined && !recorded.includes(c)).map((c) => dueAt(state, policy, c, now));
  return due.length > 0 ? Math.min(...due) : undefined;
}
