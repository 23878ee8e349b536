import { setFlagsFromString } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * The young generation of the hot-path threads (gateways, handler).
 *
 * Why: `npm start` runs node with `--max-semi-space-size=2` so the main thread's young generation
 * does not grow to 32 MB during start-up (idle RSS −21 MB). V8 flags are process-wide, and that
 * flag also overrides a worker's `resourceLimits`, so it capped every thread, including the ones
 * that allocate per OCPP message: measured in `steady` (CPU profiles), garbage collection took
 * 9–18 % of the gateway and handler threads' busy time with it and 1–3 % without. Resetting the
 * flag before the workers start leaves the main thread's heap (configured at start) small and
 * lets each worker's young generation be sized by its own `resourceLimits`.
 */
let flagReset = false;

export function hotPathWorkerLimits(youngGenerationMb: number): ResourceLimits {
  if (!flagReset) {
    setFlagsFromString('--max-semi-space-size=0'); // 0: V8's default sizing, not the start-up cap
    flagReset = true;
  }
  return youngGenerationMb > 0 ? { maxYoungGenerationSizeMb: youngGenerationMb } : {};
}
