/**
 * The process's monotonic clock in ns (`process.hrtime`): the same clock on every thread, so
 * instants taken on different threads compare (when a socket opened, when a login lookup started).
 */
export const monotonicNow = (): number => Number(process.hrtime.bigint());
