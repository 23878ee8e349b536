/** Pure helpers of the sites page (no DOM): unit-tested in test/ui/site-load.test.ts. */

export interface PhaseAmps {
  L1: number;
  L2: number;
  L3: number;
}

export const PHASES = ['L1', 'L2', 'L3'] as const;

export interface PhaseUse {
  phase: (typeof PHASES)[number];
  allocated: number;
  limit: number;
  /** allocated / limit, clamped to [0, 1] for the bar's width. */
  width: number;
  /** ok below 80 %, high from 80 %, over above the limit (a limit of 0 with load is over). */
  level: 'ok' | 'high' | 'over';
}

/** Each phase's allocated load against the node's limit, for the bars. */
export function phaseUse(allocated: PhaseAmps | undefined, limit: PhaseAmps): PhaseUse[] {
  return PHASES.map((phase) => {
    const a = allocated?.[phase] ?? 0;
    const l = limit[phase];
    const share = l > 0 ? a / l : a > 0 ? Infinity : 0;
    return { phase, allocated: a, limit: l, width: Math.max(0, Math.min(1, share)), level: share > 1 + 1e-9 ? 'over' : share >= 0.8 ? 'high' : 'ok' };
  });
}

/**
 * A node's limit as typed by an operator: "32" (A on every phase), "32/32/16" (A per phase L1/L2/L3)
 * or "22 kW"; what the API's node body takes, or an error message.
 */
export function parseLimit(text: string): { limitA: number | PhaseAmps } | { limitKw: number } | { error: string } {
  const s = text.trim().toLowerCase();
  const number = (x: string) => (/^\d+(\.\d+)?$/.test(x.trim()) ? Number(x) : NaN);
  if (s.endsWith('kw')) {
    const kw = number(s.slice(0, -2));
    return Number.isFinite(kw) ? { limitKw: kw } : { error: `Not a power in kW: ${text}` };
  }
  const parts = s.replace(/a$/, '').split('/').map(number);
  if (parts.length === 1 && Number.isFinite(parts[0])) return { limitA: parts[0]! };
  if (parts.length === 3 && parts.every(Number.isFinite)) return { limitA: { L1: parts[0]!, L2: parts[1]!, L3: parts[2]! } };
  return { error: `A limit is amperes ("32"), amperes per phase ("32/32/16") or kilowatts ("22 kW"): ${text}` };
}

export interface TreeNode {
  id: string;
  name: string | null;
  children: TreeNode[];
}

/** The tree's nodes depth-first with their depth (for a select's options and indentation). */
export function flatten<T extends TreeNode>(root: T | null | undefined, depth = 0): Array<{ node: T; depth: number }> {
  if (!root) return [];
  return [{ node: root, depth }, ...root.children.flatMap((c) => flatten(c as T, depth + 1))];
}

/** The text of a per-phase amperage: one number when the phases agree. */
export function formatAmps(a: PhaseAmps | number | undefined | null): string {
  if (a === undefined || a === null) return '—';
  if (typeof a === 'number') return `${round(a)} A`;
  return a.L1 === a.L2 && a.L2 === a.L3 ? `${round(a.L1)} A` : `${round(a.L1)}/${round(a.L2)}/${round(a.L3)} A`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
