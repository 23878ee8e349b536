/**
 * Sites for load management (issue #13): a tenant's site is a tree of capacity nodes (the grid
 * connection at the root, optional sub-feeders below) with a limit in A per phase or in kW, and
 * the stations / EVSEs attached to its nodes. This file holds the record, its validation, the
 * view the API shows (the tree with the load the last allocation gives each node) and the step
 * from a site plus its active sessions to `allocate()`'s input (core/load-allocation.ts).
 * Pure: no clock, no I/O.
 */
import { DEFAULT_MIN_A, PHASES, fallbackLimits, kwToPhaseAmps, type CapacityNode, type Phase, type PhaseAmps, type SessionDemand } from './load-allocation.js';

export interface SiteNode {
  id: string;
  /** null for the root (the grid connection); exactly one root per site. */
  parentId: string | null;
  name?: string;
  /** Limit in A, the same on every phase or per phase; or `limitKw` (three-phase, at the site's nominal voltage per phase). */
  limitA?: number | PhaseAmps;
  limitKw?: number;
}

export interface SiteAttachment {
  stationId: string;
  /** The EVSE (1.6: connector); 0 = the whole station counts as one charging point. */
  evseId: number;
  nodeId: string;
  /** The EVSE's rating (A per phase); the site's `defaultMaxA` when left out. */
  maxA?: number;
  /** 1: a single-phase EVSE (on L1 unless `phase` says otherwise); 3 (default). */
  phases?: 1 | 3;
  phase?: Phase;
  /** Higher is served first (default 0); a session's id token (or its group) with a priority of its own overrides it. */
  priority?: number;
  /**
   * The unit the station's profiles must be in: 'A' or 'W'. When absent, what the station
   * reported (SmartChargingCtrlr.RateUnit / ChargingScheduleAllowedChargingRateUnit in its device
   * model), else A. DC sessions (EV needs with DC parameters) are always sent in W.
   */
  chargingRateUnit?: 'A' | 'W';
  attachedAt: string;
}

export interface SessionLimit {
  stationId: string;
  evseId: number;
  transactionId: string;
  limitA: number;
  paused: boolean;
}

/** What the newest allocation gave (written by the node running it): the API's live load. */
export interface SiteAllocationState {
  at: string;
  sessions: SessionLimit[];
  nodeLoad: Record<string, PhaseAmps>;
}

export interface Site {
  tenantId: string;
  id: string;
  name: string;
  /** Least current a session charges at (A); below it a session is paused. Default 6. */
  minA: number;
  /** Rating of an attachment that names none (A). Default 32. */
  defaultMaxA: number;
  /** Nominal line-to-neutral voltage (V) for kW limits and W profiles. Default 230. */
  voltage?: number;
  nodes: SiteNode[];
  attachments: SiteAttachment[];
  /** Which node runs the site's allocation, until when (compare-and-set, like firmware campaigns). */
  lease: { nodeId: string; until: string } | null;
  allocation: SiteAllocationState | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const DEFAULT_SITE_MAX_A = 32;
export const DEFAULT_SITE_VOLTAGE = 230;

/** W per A per phase of an EVSE drawing on `phases` phases at the site's nominal voltage. */
export function wattsPerAmp(site: Pick<Site, 'voltage'>, phases: number): number {
  return (site.voltage ?? DEFAULT_SITE_VOLTAGE) * phases;
}

export interface SiteProblem {
  path: string;
  message: string;
}

/** The capacity node as the allocator reads it (kW converted to A per phase at `volts` per phase). */
export function capacityNode(node: SiteNode, volts = DEFAULT_SITE_VOLTAGE): CapacityNode {
  let limit: PhaseAmps;
  if (node.limitKw !== undefined) {
    const a = Math.floor(kwToPhaseAmps(node.limitKw, volts) * 10 + 1e-6) / 10;
    limit = { L1: a, L2: a, L3: a };
  } else if (typeof node.limitA === 'number') {
    limit = { L1: node.limitA, L2: node.limitA, L3: node.limitA };
  } else {
    limit = node.limitA ?? { L1: 0, L2: 0, L3: 0 };
  }
  return { id: node.id, parentId: node.parentId, limit };
}

/** Everything wrong with a site's tree and attachments, or []. */
export function validateSite(site: Pick<Site, 'nodes' | 'attachments' | 'minA' | 'defaultMaxA' | 'voltage'>): SiteProblem[] {
  const problems: SiteProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ path, message });
  const ids = new Map<string, SiteNode>();
  site.nodes.forEach((node, i) => {
    if (ids.has(node.id)) bad(`nodes[${i}].id`, `node ${node.id} appears twice`);
    ids.set(node.id, node);
    const hasA = node.limitA !== undefined;
    const hasKw = node.limitKw !== undefined;
    if (hasA === hasKw) bad(`nodes[${i}]`, 'give exactly one of limitA and limitKw');
    if (hasKw && !(node.limitKw! >= 0)) bad(`nodes[${i}].limitKw`, 'must be ≥ 0');
    if (typeof node.limitA === 'number' && !(node.limitA >= 0)) bad(`nodes[${i}].limitA`, 'must be ≥ 0');
    if (typeof node.limitA === 'object') for (const p of PHASES) if (!(node.limitA[p] >= 0)) bad(`nodes[${i}].limitA.${p}`, 'must be ≥ 0');
  });
  const roots = site.nodes.filter((n) => n.parentId === null);
  if (roots.length !== 1) bad('nodes', `a site has exactly one root node (parentId null); found ${roots.length}`);
  site.nodes.forEach((node, i) => {
    if (node.parentId !== null && !ids.has(node.parentId)) bad(`nodes[${i}].parentId`, `unknown parent ${node.parentId}`);
    // A cycle never reaches the root.
    const seen = new Set<string>();
    let at: SiteNode | undefined = node;
    while (at && at.parentId !== null) {
      if (seen.has(at.id)) {
        bad(`nodes[${i}].parentId`, `node ${node.id} is in a cycle`);
        break;
      }
      seen.add(at.id);
      at = ids.get(at.parentId);
    }
  });
  const keys = new Set<string>();
  site.attachments.forEach((a, i) => {
    if (!ids.has(a.nodeId)) bad(`attachments[${i}].nodeId`, `unknown node ${a.nodeId}`);
    const key = `${a.stationId}|${a.evseId}`;
    if (keys.has(key)) bad(`attachments[${i}]`, `${a.stationId} EVSE ${a.evseId} is attached twice`);
    keys.add(key);
    if (a.evseId !== 0 && keys.has(`${a.stationId}|0`)) bad(`attachments[${i}]`, `${a.stationId} is attached as a whole station and per EVSE`);
    if (a.evseId === 0 && site.attachments.some((b) => b.stationId === a.stationId && b.evseId !== 0)) bad(`attachments[${i}]`, `${a.stationId} is attached as a whole station and per EVSE`);
    if (a.maxA !== undefined && !(a.maxA >= 0)) bad(`attachments[${i}].maxA`, 'must be ≥ 0');
  });
  if (!(site.minA > 0)) bad('minA', 'must be > 0');
  if (!(site.defaultMaxA >= site.minA)) bad('defaultMaxA', 'must be ≥ minA');
  if (site.voltage !== undefined && !(site.voltage > 0)) bad('voltage', 'must be > 0');
  return problems;
}

/**
 * The largest limit ≤ `amps` on the 0.1 A grid that a JSON-schema validator accepts as a
 * `multipleOf: 0.1` (the 1.6 schema's rule): it checks `(v / 0.1) % 1 === 0` in floating point,
 * which a third of the tenths fail (6.6 / 0.1 = 65.99999999999999), so strict stations and our own
 * outbound validation would refuse them. Rounding down keeps every sum within its limit.
 */
export function wireLimit(amps: number): number {
  let tenths = Math.floor(amps * 10 + 1e-6);
  while (tenths > 0 && (tenths / 10 / 0.1) % 1 !== 0) tenths--;
  return Math.max(0, tenths) / 10;
}

export function attachmentKey(stationId: string, evseId: number): string {
  return `${stationId}|${evseId}`;
}

/**
 * The TxDefaultProfile limit (A) of each attachment: its safe share, so that if every station
 * charged at its default at once no node's phase would exceed its limit.
 */
export function safeShares(site: Pick<Site, 'nodes' | 'attachments' | 'voltage'>): Map<string, number> {
  const limits = fallbackLimits(
    site.nodes.map((n) => capacityNode(n, site.voltage)),
    site.attachments.map((a) => ({ id: attachmentKey(a.stationId, a.evseId), nodeId: a.nodeId })),
  );
  for (const [key, amps] of limits) limits.set(key, wireLimit(amps));
  return limits;
}

/** An active session on a station of the site, as the allocator's caller knows it. */
export interface ActiveSession {
  stationId: string;
  evseId: number;
  transactionId: string;
  startedAt: string;
  /** Phases seen in use (meter values); the attachment's when unknown. */
  phases?: readonly Phase[];
  /** A cap from the EV's charging needs or an external limit (A per phase). */
  capA?: number;
  /** The EV's own minimum (A per phase), when above the site's. */
  minA?: number;
  /** The priority of its id token or group, when it has one: overrides the attachment's. */
  priority?: number;
}

/** The attachment a session belongs to: its EVSE, or the whole station. */
export function attachmentOf(site: Pick<Site, 'attachments'>, stationId: string, evseId: number): SiteAttachment | undefined {
  return site.attachments.find((a) => a.stationId === stationId && (a.evseId === evseId || a.evseId === 0));
}

export function sessionKey(s: Pick<ActiveSession, 'stationId' | 'evseId' | 'transactionId'>): string {
  return `${s.stationId}|${s.evseId}|${s.transactionId}`;
}

/** `allocate()`'s demands for the sessions on the site's attachments (others are ignored). */
export function demandsOf(site: Pick<Site, 'attachments' | 'minA' | 'defaultMaxA'>, sessions: readonly ActiveSession[]): SessionDemand[] {
  const out: SessionDemand[] = [];
  for (const s of sessions) {
    const a = attachmentOf(site, s.stationId, s.evseId);
    if (!a) continue;
    const own: Phase[] = a.phases === 1 ? [a.phase ?? 'L1'] : [...PHASES];
    const maxA = Math.min(a.maxA ?? site.defaultMaxA, s.capA ?? Infinity);
    const minA = Math.max(site.minA ?? DEFAULT_MIN_A, s.minA ?? 0);
    out.push({ id: sessionKey(s), nodeId: a.nodeId, phases: s.phases && s.phases.length > 0 ? s.phases : own, minA, maxA, priority: s.priority ?? a.priority ?? 0, startedAt: s.startedAt });
  }
  return out;
}

export interface SiteNodeView {
  id: string;
  name: string | null;
  parentId: string | null;
  limitA: PhaseAmps;
  limitKw: number | null;
  /** What the newest allocation gives the sessions below this node, per phase. */
  allocatedA: PhaseAmps;
  /** Limit minus allocated, per phase. */
  headroomA: PhaseAmps;
  attachments: Array<SiteAttachment & { safeShareA: number; sessions: SessionLimit[] }>;
  children: SiteNodeView[];
}

/** The site's tree with the live allocated load per node: what an operator UI shows. */
export function siteTree(site: Site): SiteNodeView | null {
  const shares = safeShares(site);
  const load = site.allocation?.nodeLoad ?? {};
  const zero: PhaseAmps = { L1: 0, L2: 0, L3: 0 };
  const build = (node: SiteNode): SiteNodeView => {
    const limit = capacityNode(node, site.voltage).limit;
    const allocated = load[node.id] ?? zero;
    return {
      id: node.id,
      name: node.name ?? null,
      parentId: node.parentId,
      limitA: limit,
      limitKw: node.limitKw ?? null,
      allocatedA: allocated,
      headroomA: { L1: round(limit.L1 - allocated.L1), L2: round(limit.L2 - allocated.L2), L3: round(limit.L3 - allocated.L3) },
      attachments: site.attachments
        .filter((a) => a.nodeId === node.id)
        .map((a) => ({
          ...a,
          safeShareA: shares.get(attachmentKey(a.stationId, a.evseId)) ?? 0,
          sessions: (site.allocation?.sessions ?? []).filter((s) => s.stationId === a.stationId && (a.evseId === 0 || s.evseId === a.evseId)),
        })),
      children: site.nodes.filter((n) => n.parentId === node.id).map(build),
    };
  };
  const root = site.nodes.find((n) => n.parentId === null);
  return root ? build(root) : null;
}

function round(a: number): number {
  return Math.round(a * 10) / 10;
}
