/**
 * Runs mailbox turns. The async dispatcher yields to the event loop between turns so one busy
 * station cannot starve the others; the synchronous one makes actor tests deterministic.
 */
export interface Dispatcher {
  schedule(run: () => void): void;
  /** Messages a mailbox may process per turn before it yields. */
  readonly throughput: number;
}

export const asyncDispatcher: Dispatcher = {
  schedule: (run) => setImmediate(run),
  throughput: 32,
};

export const syncDispatcher: Dispatcher = {
  schedule: (run) => run(),
  throughput: Number.POSITIVE_INFINITY,
};
