import { pino, type Logger } from 'pino';

/** Structured JSON logs on stdout, one logger per thread tagged with its bindings. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } });
}
