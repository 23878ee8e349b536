/**
 * Runs `sweep` every `everyMs` milliseconds on an unref'd timer, never two at once (a tick that
 * finds the previous sweep still running is skipped). A failed sweep goes to `onError` and the
 * next tick tries again. stop() clears the timer and waits for a running sweep.
 */
export function startPeriodicSweep(sweep: () => Promise<unknown>, everyMs: number, onError: (error: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sweep()
      .catch(onError)
      .finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
