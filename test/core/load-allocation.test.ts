import t from 'tap';
import fc from 'fast-check';
import {
  allocate,
  fallbackLimits,
  kwToPhaseAmps,
  pathToRoot,
  PHASES,
  RESOLUTION_A,
  SiteTreeError,
  type CapacityNode,
  type Phase,
  type SessionDemand,
} from '../../core/load-allocation.js';

const amps = (a: number) => ({ L1: a, L2: a, L3: a });
const THREE: Phase[] = ['L1', 'L2', 'L3'];

t.test('a 32 A grid connection shared by three 3-phase sessions', async (t) => {
  const nodes: CapacityNode[] = [{ id: 'grid', parentId: null, limit: amps(32) }];
  const { sessions, nodeLoad } = allocate(nodes, [
    { id: 'a', nodeId: 'grid', phases: THREE, maxA: 32 },
    { id: 'b', nodeId: 'grid', phases: THREE, maxA: 32 },
    { id: 'c', nodeId: 'grid', phases: THREE, maxA: 8 },
  ]);
  // c is capped at 8; a and b share the other 24.
  t.same(sessions, [
    { id: 'a', limitA: 12, paused: false },
    { id: 'b', limitA: 12, paused: false },
    { id: 'c', limitA: 8, paused: false },
  ]);
  t.same(nodeLoad.grid, amps(32));
});

t.test('below the sum of minimums: the later sessions are paused, the earlier keep their minimum', async (t) => {
  const nodes: CapacityNode[] = [{ id: 'grid', parentId: null, limit: amps(16) }];
  const { sessions } = allocate(nodes, [
    { id: 'late', nodeId: 'grid', phases: THREE, maxA: 32, startedAt: '2026-01-01T10:05:00Z' },
    { id: 'early', nodeId: 'grid', phases: THREE, maxA: 32, startedAt: '2026-01-01T10:00:00Z' },
    { id: 'middle', nodeId: 'grid', phases: THREE, maxA: 32, startedAt: '2026-01-01T10:01:00Z' },
  ]);
  t.same(sessions, [
    { id: 'late', limitA: 0, paused: true },
    { id: 'early', limitA: 8, paused: false },
    { id: 'middle', limitA: 8, paused: false },
  ]);
});

t.test('priority: a higher class is admitted first and filled first', async (t) => {
  const nodes: CapacityNode[] = [{ id: 'grid', parentId: null, limit: amps(40) }];
  const { sessions } = allocate(nodes, [
    { id: 'fleet', nodeId: 'grid', phases: THREE, maxA: 32, priority: 10 },
    { id: 'guest', nodeId: 'grid', phases: THREE, maxA: 32 },
  ]);
  t.same(sessions.map((s) => s.limitA), [32, 8], 'the guest keeps what is left above its minimum');
});

t.test('single-phase sessions spread over the phases; a feeder limits its own branch', async (t) => {
  const nodes: CapacityNode[] = [
    { id: 'grid', parentId: null, limit: amps(63) },
    { id: 'garage', parentId: 'grid', limit: { L1: 16, L2: 32, L3: 32 } },
  ];
  const { sessions, nodeLoad } = allocate(nodes, [
    { id: 'g1', nodeId: 'garage', phases: ['L1'], maxA: 32 },
    { id: 'g2', nodeId: 'garage', phases: ['L1'], maxA: 32 },
    { id: 'g3', nodeId: 'garage', phases: ['L2'], maxA: 32 },
    { id: 'yard', nodeId: 'grid', phases: THREE, maxA: 63 },
  ]);
  // g1 and g2 split the garage's 16 A on L1; g3 and the yard split the grid's 63 A on L2.
  t.same(sessions.map((s) => [s.id, s.limitA]), [['g1', 8], ['g2', 8], ['g3', 31.5], ['yard', 31.5]]);
  t.same(nodeLoad.garage, { L1: 16, L2: 31.5, L3: 0 });
  t.same(nodeLoad.grid, { L1: 47.5, L2: 63, L3: 31.5 });
});

t.test('thirds are rounded down to 0.1 A, never up', async (t) => {
  const { sessions, nodeLoad } = allocate([{ id: 'grid', parentId: null, limit: amps(20) }], [
    { id: 'a', nodeId: 'grid', phases: THREE, maxA: 32 },
    { id: 'b', nodeId: 'grid', phases: THREE, maxA: 32 },
    { id: 'c', nodeId: 'grid', phases: THREE, maxA: 32, minA: 6 },
  ]);
  t.same(sessions.map((s) => s.limitA), [6.6, 6.6, 6.6]);
  t.ok(nodeLoad.grid!.L1 <= 20);
});

t.test('a session whose maximum is below its minimum is paused', async (t) => {
  const { sessions } = allocate([{ id: 'grid', parentId: null, limit: amps(100) }], [{ id: 'a', nodeId: 'grid', phases: THREE, maxA: 4 }]);
  t.same(sessions, [{ id: 'a', limitA: 0, paused: true }]);
});

t.test('bad trees are refused with the reason', async (t) => {
  t.throws(() => allocate([{ id: 'a', parentId: 'b', limit: amps(1) }, { id: 'b', parentId: 'a', limit: amps(1) }], [{ id: 's', nodeId: 'a', phases: THREE, maxA: 1 }]), SiteTreeError);
  t.throws(() => allocate([{ id: 'a', parentId: null, limit: amps(1) }], [{ id: 's', nodeId: 'nope', phases: THREE, maxA: 1 }]), /unknown capacity node nope/);
  t.throws(() => allocate([{ id: 'a', parentId: null, limit: amps(1) }, { id: 'a', parentId: null, limit: amps(1) }], []), /appears twice/);
  t.throws(() => allocate([{ id: 'a', parentId: null, limit: { L1: 1, L2: Number.NaN, L3: 1 } }], []), /no valid L2 limit/);
});

t.test('kW to amperes per phase at 230 V', async (t) => {
  t.equal(Math.round(kwToPhaseAmps(22) * 10) / 10, 31.9);
});

// ---- properties over random sites and sessions ----

interface Site {
  nodes: CapacityNode[];
  demands: SessionDemand[];
}

const siteArb: fc.Arbitrary<Site> = fc
  .record({
    // Parent of node i is one of nodes 0..i-1: always a tree rooted at node 0.
    parents: fc.array(fc.nat(), { maxLength: 6 }),
    limits: fc.array(fc.record({ L1: fc.integer({ min: 0, max: 400 }), L2: fc.integer({ min: 0, max: 400 }), L3: fc.integer({ min: 0, max: 400 }) }), { minLength: 7, maxLength: 7 }),
    sessions: fc.array(
      fc.record({
        node: fc.nat(),
        phases: fc.constantFrom<Phase[]>(['L1', 'L2', 'L3'], ['L1'], ['L2'], ['L3']),
        minA: fc.constantFrom(6, 8, 10),
        maxA: fc.integer({ min: 0, max: 80 }),
        priority: fc.integer({ min: 0, max: 2 }),
        minute: fc.integer({ min: 0, max: 59 }),
      }),
      { maxLength: 25 },
    ),
  })
  .map(({ parents, limits, sessions }) => {
    const nodes: CapacityNode[] = [{ id: 'n0', parentId: null, limit: limits[0]! }];
    parents.forEach((p, i) => nodes.push({ id: `n${i + 1}`, parentId: `n${p % (i + 1)}`, limit: limits[i + 1]! }));
    const demands = sessions.map((s, i) => ({
      id: `s${i}`,
      nodeId: `n${s.node % nodes.length}`,
      phases: s.phases,
      minA: s.minA,
      maxA: s.maxA,
      priority: s.priority,
      startedAt: `2026-01-01T10:${String(s.minute).padStart(2, '0')}:00Z`,
    }));
    return { nodes, demands };
  });

function loads(site: Site, limitOf: (d: SessionDemand) => number): Map<string, number> {
  const byId = new Map(site.nodes.map((n) => [n.id, n]));
  const load = new Map<string, number>();
  for (const d of site.demands) {
    const a = limitOf(d);
    for (const id of pathToRoot(byId, d.nodeId)) for (const p of new Set(d.phases)) load.set(`${id}|${p}`, (load.get(`${id}|${p}`) ?? 0) + a);
  }
  return load;
}

t.test('property: no node phase is ever over its limit', async (t) => {
  fc.assert(
    fc.property(siteArb, (site) => {
      const { sessions } = allocate(site.nodes, site.demands);
      const limit = new Map(sessions.map((s) => [s.id, s.limitA]));
      for (const [key, used] of loads(site, (d) => limit.get(d.id)!)) {
        const [id, phase] = key.split('|') as [string, Phase];
        const node = site.nodes.find((n) => n.id === id)!;
        if (used > node.limit[phase] + 1e-9) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

t.test('property: every session gets at least its minimum (and at most its maximum) or is paused', async (t) => {
  fc.assert(
    fc.property(siteArb, (site) => {
      const { sessions } = allocate(site.nodes, site.demands);
      return sessions.every((s, i) => {
        const d = site.demands[i]!;
        return s.paused ? s.limitA === 0 : s.limitA >= d.minA! && s.limitA <= d.maxA;
      });
    }),
    { numRuns: 500 },
  );
  t.pass();
});

t.test('property: a session is paused only when its minimum does not fit beside the minimums admitted before it', async (t) => {
  fc.assert(
    fc.property(siteArb, (site) => {
      const { sessions } = allocate(site.nodes, site.demands);
      const byId = new Map(site.nodes.map((n) => [n.id, n]));
      const order = site.demands
        .map((d, i) => ({ d, a: sessions[i]! }))
        .sort((x, y) => (y.d.priority! - x.d.priority!) || (x.d.startedAt! < y.d.startedAt! ? -1 : x.d.startedAt! > y.d.startedAt! ? 1 : x.d.id < y.d.id ? -1 : 1));
      const reserved = new Map<string, number>();
      for (const { d, a } of order) {
        const keys = pathToRoot(byId, d.nodeId).flatMap((id) => [...new Set(d.phases)].map((p) => [id, p] as const));
        const fits = d.maxA >= d.minA! && keys.every(([id, p]) => (reserved.get(`${id}|${p}`) ?? 0) + d.minA! <= byId.get(id)!.limit[p] + 1e-9);
        if (fits === a.paused) return false;
        if (!a.paused) for (const [id, p] of keys) reserved.set(`${id}|${p}`, (reserved.get(`${id}|${p}`) ?? 0) + d.minA!);
      }
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

t.test('property: no capacity is left unused while a session could take more', async (t) => {
  fc.assert(
    fc.property(siteArb, (site) => {
      const { sessions } = allocate(site.nodes, site.demands);
      const limit = new Map(sessions.map((s) => [s.id, s.limitA]));
      const load = loads(site, (d) => limit.get(d.id)!);
      const byId = new Map(site.nodes.map((n) => [n.id, n]));
      const sharing = loads(site, (d) => (limit.get(d.id)! > 0 ? 1 : 0));
      return sessions.every((s, i) => {
        const d = site.demands[i]!;
        if (s.paused || s.limitA >= d.maxA - RESOLUTION_A) return true;
        // Some node phase on its path is full, up to the rounding of the sessions sharing it.
        return pathToRoot(byId, d.nodeId).some((id) =>
          [...new Set(d.phases)].some((p) => byId.get(id)!.limit[p] - load.get(`${id}|${p}`)! < RESOLUTION_A * (sharing.get(`${id}|${p}`)! + 1)),
        );
      });
    }),
    { numRuns: 500 },
  );
  t.pass();
});

t.test('property: fallback limits keep every node under its limit when all EVSEs fall back at once', async (t) => {
  fc.assert(
    fc.property(siteArb, (site) => {
      const evses = site.demands.map((d) => ({ id: d.id, nodeId: d.nodeId }));
      const fallback = fallbackLimits(site.nodes, evses);
      const byId = new Map(site.nodes.map((n) => [n.id, n]));
      const used = new Map<string, number>();
      for (const e of evses) for (const id of pathToRoot(byId, e.nodeId)) used.set(id, (used.get(id) ?? 0) + fallback.get(e.id)!);
      return [...used].every(([id, a]) => PHASES.every((p) => a <= byId.get(id)!.limit[p] + 1e-9));
    }),
    { numRuns: 500 },
  );
  t.pass();
});
