/**
 * How counters add up into the numbers scenarios report. A CALLERROR is still an answer
 * (the CSMS processed the call); NotSupported / NotImplemented mean "feature missing",
 * not "overloaded", so they do not count as failures (they are reported separately).
 */
import type { Counters } from '../sim/ipc.js';

const UNSUPPORTED = /:(NotSupported|NotImplemented)$/;

function sum(r: Record<string, number>, keep: (key: string) => boolean = () => true): number {
  let n = 0;
  for (const [k, v] of Object.entries(r)) if (keep(k)) n += v;
  return n;
}

/** Calls the CSMS answered, with a CALLRESULT or a CALLERROR. */
export function answered(c: Counters): number {
  return c.results + sum(c.callErrors, (k) => !k.startsWith('protocol:'));
}

export function unsupported(c: Counters): number {
  return sum(c.callErrors, (k) => UNSUPPORTED.test(k));
}

/** Everything that went wrong: timeouts, failed connects, closes we did not cause,
 * malformed frames, and CALLERRORs other than NotSupported/NotImplemented. */
export function failures(c: Counters): number {
  return (
    c.timeouts +
    sum(c.connectFail) +
    sum(c.disconnects, (k) => k !== 'dropped') +
    sum(c.callErrors, (k) => !UNSUPPORTED.test(k))
  );
}
