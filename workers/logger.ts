import { isMainThread, threadId } from 'node:worker_threads';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Structured logs on stdout: one JSON object per line with an ISO-8601 `time`, the level as a
 * word (`"level":"info"`), the process id and the `thread` that wrote it ('main', 'handlers' or
 * a gateway thread's number; from the bindings). `destination` is for tests.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const thread = bindings.thread ?? (isMainThread ? 'main' : `worker-${threadId}`);
  const options = {
    level,
    base: { pid: process.pid, ...bindings, thread },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
