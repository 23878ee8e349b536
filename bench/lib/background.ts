/**
 * How busy the machine is before the bench starts. On a shared box (other people's
 * builds and test runs) numbers swing wildly; the bench says so instead of hiding it.
 */
import os from 'node:os';
import { machineCpu } from './proc-stats.js';

/** % of one core used by other processes, averaged over `ms`. */
export async function backgroundCpuPct(ms = 1000): Promise<number | undefined> {
  const a = machineCpu();
  const selfA = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineCpu();
  const self = process.cpuUsage(selfA);
  if (!a || !b || b.total <= a.total) return undefined;
  const machinePct = ((b.busy - a.busy) / (b.total - a.total)) * 100 * os.availableParallelism();
  return Math.max(0, Math.round(machinePct - ((self.user + self.system) / 1e3 / ms) * 100));
}
