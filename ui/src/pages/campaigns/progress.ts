/** Pure helpers of the campaigns page (no DOM): unit-tested in test/ui/campaign-progress.test.ts. */

export type CampaignCommand = 'pause' | 'resume' | 'abort';

/** What an operator may do with a campaign in this status (as the API allows: 409 otherwise). Report jobs can only be aborted. */
export function commandsFor(status: string, family: 'campaign' | 'report'): CampaignCommand[] {
  if (status !== 'running' && status !== 'paused') return [];
  if (family === 'report') return ['abort'];
  return status === 'running' ? ['pause', 'abort'] : ['resume', 'abort'];
}

/** Station states in the order a rollout moves through them (unknown ones after). */
const ORDER = ['installed', 'complete', 'installing', 'downloading', 'requested', 'receiving', 'pending', 'failed', 'aborted'];

/** The progress counts as parts of a stacked bar: every state with stations, share of the total. */
export function progressParts(progress: Record<string, number> | undefined): Array<{ state: string; count: number; share: number }> {
  if (!progress) return [];
  const total = progress.total ?? 0;
  const states = Object.keys(progress).filter((k) => k !== 'total' && k !== 'offline' && (progress[k] ?? 0) > 0);
  const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);
  return states
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((state) => ({ state, count: progress[state]!, share: total > 0 ? progress[state]! / total : 0 }));
}

/** "12 of 40 done (2 failed)": done is installed (firmware, password) or complete (report). */
export function progressText(progress: Record<string, number> | undefined): string {
  if (!progress) return '—';
  const done = (progress.installed ?? 0) + (progress.complete ?? 0);
  const failed = progress.failed ?? 0;
  return `${done} of ${progress.total ?? 0} done${failed ? ` (${failed} failed)` : ''}${progress.offline ? `, ${progress.offline} waiting offline` : ''}`;
}

/** "1, 10, 100" → [1, 10, 100]; empty → undefined (the API's default waves). */
export function parseWaves(text: string): number[] | undefined | { error: string } {
  const s = text.trim();
  if (!s) return undefined;
  const parts = s.split(/[\s,]+/).map(Number);
  if (parts.some((n) => !Number.isInteger(n) || n < 1)) return { error: `Waves are station counts, e.g. "1, 10, 100": ${text}` };
  return parts;
}
