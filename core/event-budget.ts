/**
 * NotifyEvent storms (issue #12): how many of a station's events are stored one by one. A token
 * bucket per station (`ratePerSec` refill, `burst` size) grants events; beyond it the events are
 * still answered but only counted, and the storm is summarised: one note when it starts, one at
 * most every `SUMMARY_EVERY_MS` while it lasts, one when a message is granted whole again. Pure:
 * the caller keeps the state (in memory, per connected station) and passes the time.
 */

export interface EventBudget {
  /** Events stored per second on average (the bucket's refill). */
  ratePerSec: number;
  /** Events stored at once after a quiet spell (the bucket's size). */
  burst: number;
}

export const DEFAULT_EVENT_BUDGET: EventBudget = { ratePerSec: 20, burst: 200 };

/** While a storm lasts, a summary at most this often. */
export const SUMMARY_EVERY_MS = 60_000;

export interface Storm {
  /** ISO time of the first event not stored. */
  since: string;
  /** Events not stored since then. */
  dropped: number;
  /** When the last note was made (ms). */
  notedAtMs: number;
}

export interface EventBudgetState {
  tokens: number;
  atMs: number;
  storm: Storm | null;
}

/** What the storm did with this message, worth one record (and the start and end one log line). */
export type StormNote =
  | { state: 'started'; since: string; dropped: number }
  | { state: 'ongoing' | 'ended'; since: string; until: string; dropped: number };

export interface BudgetDecision {
  /** How many of the message's events (the first ones) are stored. */
  granted: number;
  /** How many are only counted. */
  dropped: number;
  state: EventBudgetState;
  note?: StormNote;
}

export function initialBudgetState(budget: EventBudget, nowMs: number): EventBudgetState {
  return { tokens: budget.burst, atMs: nowMs, storm: null };
}

/** Takes tokens for a message carrying `count` events at `nowMs`. */
export function takeEvents(state: EventBudgetState | undefined, count: number, nowMs: number, budget: EventBudget): BudgetDecision {
  const prior = state ?? initialBudgetState(budget, nowMs);
  const elapsed = Math.max(0, nowMs - prior.atMs);
  const tokens = Math.min(budget.burst, prior.tokens + (elapsed / 1000) * budget.ratePerSec);
  const granted = Math.max(0, Math.min(count, Math.floor(tokens)));
  const dropped = count - granted;
  const now = new Date(nowMs).toISOString();
  const next: EventBudgetState = { tokens: tokens - granted, atMs: Math.max(prior.atMs, nowMs), storm: prior.storm };
  if (dropped > 0) {
    if (!prior.storm) {
      next.storm = { since: now, dropped, notedAtMs: nowMs };
      return { granted, dropped, state: next, note: { state: 'started', since: now, dropped } };
    }
    const storm = { ...prior.storm, dropped: prior.storm.dropped + dropped };
    if (nowMs - prior.storm.notedAtMs >= SUMMARY_EVERY_MS) {
      next.storm = { ...storm, notedAtMs: nowMs };
      return { granted, dropped, state: next, note: { state: 'ongoing', since: storm.since, until: now, dropped: storm.dropped } };
    }
    next.storm = storm;
    return { granted, dropped, state: next };
  }
  if (prior.storm) {
    next.storm = null;
    return { granted, dropped, state: next, note: { state: 'ended', since: prior.storm.since, until: now, dropped: prior.storm.dropped } };
  }
  return { granted, dropped, state: next };
}
