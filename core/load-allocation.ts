/**
 * Site load management: divides a site's capacity among its charging sessions.
 *
 * A site is a tree of capacity nodes (the grid connection at the root, optional sub-feeders
 * below), each with a current limit per phase. A session hangs off one node and draws on the
 * phases it uses (three, or one given phase). The allocation:
 *
 * 1. Admission, strictly by priority (higher first), then by start time, then id: a session is
 *    admitted at its minimum current (6 A by default, the lowest IEC 61851 allows) when that fits
 *    every node on its path given the minimums already admitted; otherwise it is paused (0 A).
 *    A paused session never takes a minimum away from one admitted before it.
 * 2. Filling, priority class by class: the capacity left is shared max-min fairly (progressive
 *    filling: all unfrozen sessions rise together until a node's phase or a session's maximum
 *    binds), so no session could get more without taking from one that has no more than it.
 * 3. Rounding down to the resolution stations accept (0.1 A), which keeps every sum under its limit.
 *
 * Pure: no clock, no I/O. Property tests in test/core/load-allocation.test.ts.
 */

export type Phase = 'L1' | 'L2' | 'L3';
export const PHASES: readonly Phase[] = ['L1', 'L2', 'L3'];

/** Per-phase current in amperes. */
export type PhaseAmps = Readonly<Record<Phase, number>>;

export interface CapacityNode {
  id: string;
  /** null for the root (the grid connection). */
  parentId: string | null;
  /** Limit per phase in A. */
  limit: PhaseAmps;
}

export interface SessionDemand {
  id: string;
  /** The capacity node the session's EVSE is attached to. */
  nodeId: string;
  /** The phases it draws on: all three, or the one its single-phase EV uses. */
  phases: readonly Phase[];
  /** Least current worth charging at; below it the session is paused (default 6 A). */
  minA?: number;
  /** Most it can take (EV, cable, EVSE rating). */
  maxA: number;
  /** Higher is served first (default 0). */
  priority?: number;
  /** ISO time the session started: earlier sessions are admitted first within a priority. */
  startedAt?: string;
}

export interface SessionAllocation {
  id: string;
  /** Amperes per phase it uses; 0 when paused. */
  limitA: number;
  paused: boolean;
}

export interface Allocation {
  sessions: SessionAllocation[];
  /** Load per node and phase that the allocation gives (for the API: a site's live budget). */
  nodeLoad: Record<string, PhaseAmps>;
}

export const DEFAULT_MIN_A = 6;
/** Resolution of limits sent to stations (A). */
export const RESOLUTION_A = 0.1;
/** Floating-point slack when comparing sums against limits. */
const EPSILON = 1e-9;

export class SiteTreeError extends Error {
  override readonly name = 'SiteTreeError';
}

/** Path from a node up to the root (itself first). Throws on an unknown node or a cycle. */
export function pathToRoot(nodes: ReadonlyMap<string, CapacityNode>, nodeId: string): string[] {
  const path: string[] = [];
  let id: string | null = nodeId;
  while (id !== null) {
    const node = nodes.get(id);
    if (!node) throw new SiteTreeError(`unknown capacity node ${id}`);
    if (path.includes(id)) throw new SiteTreeError(`capacity nodes form a cycle through ${id}`);
    path.push(id);
    id = node.parentId;
  }
  return path;
}

function indexNodes(nodes: readonly CapacityNode[]): Map<string, CapacityNode> {
  const byId = new Map<string, CapacityNode>();
  for (const node of nodes) {
    if (byId.has(node.id)) throw new SiteTreeError(`capacity node ${node.id} appears twice`);
    for (const phase of PHASES) {
      if (!(node.limit[phase] >= 0)) throw new SiteTreeError(`capacity node ${node.id} has no valid ${phase} limit`);
    }
    byId.set(node.id, node);
  }
  return byId;
}

/** One constraint: a node's phase, with the sessions drawing on it. */
interface Constraint {
  limit: number;
  used: number;
}

interface Working {
  demand: SessionDemand;
  min: number;
  max: number;
  priority: number;
  constraints: Constraint[];
  amps: number;
  admitted: boolean;
  frozen: boolean;
}

function byAdmissionOrder(a: Working, b: Working): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const as = a.demand.startedAt ?? '';
  const bs = b.demand.startedAt ?? '';
  if (as !== bs) return as < bs ? -1 : 1;
  return a.demand.id < b.demand.id ? -1 : a.demand.id > b.demand.id ? 1 : 0;
}

export function allocate(nodes: readonly CapacityNode[], demands: readonly SessionDemand[]): Allocation {
  const byId = indexNodes(nodes);
  const constraints = new Map<string, Constraint>();
  const constraint = (nodeId: string, phase: Phase): Constraint => {
    const key = `${nodeId}|${phase}`;
    let c = constraints.get(key);
    if (!c) constraints.set(key, (c = { limit: byId.get(nodeId)!.limit[phase], used: 0 }));
    return c;
  };
  const working: Working[] = demands.map((demand) => {
    const path = pathToRoot(byId, demand.nodeId);
    const phases = [...new Set(demand.phases)];
    const min = demand.minA ?? DEFAULT_MIN_A;
    return {
      demand,
      min,
      max: Math.max(0, demand.maxA),
      priority: demand.priority ?? 0,
      constraints: path.flatMap((id) => phases.map((phase) => constraint(id, phase))),
      amps: 0,
      // A session that cannot take its own minimum (max below min, no phases) is never admitted.
      admitted: false,
      frozen: false,
    };
  });
  const ordered = [...working].sort(byAdmissionOrder);

  // 1. Admission at the minimum, in order.
  for (const w of ordered) {
    if (w.max < w.min || w.constraints.length === 0 || w.min <= 0) continue;
    if (w.constraints.every((c) => c.used + w.min <= c.limit + EPSILON)) {
      for (const c of w.constraints) c.used += w.min;
      w.amps = w.min;
      w.admitted = true;
    }
  }

  // 2. Progressive filling, one priority class at a time.
  const classes = [...new Set(ordered.filter((w) => w.admitted).map((w) => w.priority))];
  for (const priority of classes) {
    const active = ordered.filter((w) => w.admitted && w.priority === priority);
    for (const w of active) w.frozen = w.amps >= w.max - EPSILON;
    for (;;) {
      const rising = active.filter((w) => !w.frozen);
      if (rising.length === 0) break;
      // How many rising sessions draw on each constraint.
      const share = new Map<Constraint, number>();
      for (const w of rising) for (const c of w.constraints) share.set(c, (share.get(c) ?? 0) + 1);
      let delta = Infinity;
      for (const [c, n] of share) delta = Math.min(delta, (c.limit - c.used) / n);
      for (const w of rising) delta = Math.min(delta, w.max - w.amps);
      delta = Math.max(0, delta);
      for (const w of rising) {
        w.amps += delta;
        for (const c of w.constraints) c.used += delta;
      }
      // Freeze what binds: sessions at their maximum, and every session on a full constraint.
      for (const w of rising) {
        if (w.amps >= w.max - EPSILON || w.constraints.some((c) => c.used >= c.limit - EPSILON)) w.frozen = true;
      }
    }
  }

  // 3. Round down to what stations accept; recompute the load from the rounded values.
  const nodeLoad: Record<string, Record<Phase, number>> = {};
  for (const node of nodes) nodeLoad[node.id] = { L1: 0, L2: 0, L3: 0 };
  const sessions = working.map((w) => {
    const limitA = w.admitted ? roundDown(Math.min(w.amps, w.max)) : 0;
    if (limitA > 0) {
      for (const id of pathToRoot(byId, w.demand.nodeId)) {
        for (const phase of new Set(w.demand.phases)) nodeLoad[id]![phase] = roundTenth(nodeLoad[id]![phase] + limitA);
      }
    }
    return { id: w.demand.id, limitA, paused: !w.admitted };
  });
  return { sessions, nodeLoad };
}

/** Down to the 0.1 A grid, tolerating float noise just below a grid point (5.999999 → 6.0). */
function roundDown(amps: number): number {
  return Math.floor(amps * 10 + 1e-6) / 10;
}

function roundTenth(amps: number): number {
  return Math.round(amps * 10) / 10;
}

export interface EvseAttachment {
  /** Station and EVSE, as the caller names them. */
  id: string;
  nodeId: string;
}

/**
 * The limit each EVSE falls back to when it stops hearing from the CSMS (its TxDefaultProfile,
 * set in advance): for every node, its limit divided by the EVSEs below it, and the least of those
 * along the EVSE's path, rounded down. If every EVSE falls back at once, no node's phase exceeds
 * its limit (each EVSE is counted on all three phases, the worst case).
 */
export function fallbackLimits(nodes: readonly CapacityNode[], evses: readonly EvseAttachment[]): Map<string, number> {
  const byId = indexNodes(nodes);
  const below = new Map<string, number>();
  const paths = new Map<string, string[]>();
  for (const evse of evses) {
    const path = pathToRoot(byId, evse.nodeId);
    paths.set(evse.id, path);
    for (const id of path) below.set(id, (below.get(id) ?? 0) + 1);
  }
  const limits = new Map<string, number>();
  for (const evse of evses) {
    let amps = Infinity;
    for (const id of paths.get(evse.id)!) {
      const node = byId.get(id)!;
      const weakest = Math.min(node.limit.L1, node.limit.L2, node.limit.L3);
      amps = Math.min(amps, weakest / below.get(id)!);
    }
    limits.set(evse.id, roundDown(amps));
  }
  return limits;
}

/** A three-phase limit in kW at a nominal line-to-neutral voltage, as amperes per phase. */
export function kwToPhaseAmps(kw: number, voltsPerPhase = 230): number {
  return (kw * 1000) / (3 * voltsPerPhase);
}
