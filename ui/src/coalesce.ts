/**
 * A reload to run on live events without flooding the API: calls while one runs are folded into
 * one more run after it (a campaign of 10k stations sends 10k progress events, not 10k GETs).
 */
export function coalesce(run: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const go = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await run().catch(() => {});
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return go;
}
