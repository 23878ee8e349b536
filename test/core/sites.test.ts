import t from 'tap';
import fc from 'fast-check';
import { capacityNode, demandsOf, safeShares, siteTree, validateSite, wireLimit, type Site } from '../../core/sites.js';

const now = '2026-01-01T00:00:00.000Z';
function site(overrides: Partial<Site> = {}): Site {
  return {
    tenantId: 't1', id: 's1', name: 's1', minA: 6, defaultMaxA: 32,
    nodes: [
      { id: 'grid', parentId: null, limitA: 100 },
      { id: 'feeder', parentId: 'grid', limitA: { L1: 40, L2: 32, L3: 32 } },
      { id: 'carport', parentId: 'grid', limitKw: 11 },
    ],
    attachments: [
      { stationId: 'A', evseId: 1, nodeId: 'feeder', attachedAt: now },
      { stationId: 'A', evseId: 2, nodeId: 'feeder', attachedAt: now },
      { stationId: 'B', evseId: 0, nodeId: 'carport', phases: 1, phase: 'L2', maxA: 16, priority: 5, attachedAt: now },
    ],
    lease: null, allocation: null, version: 0, createdAt: now, updatedAt: now,
    ...overrides,
  };
}

t.test('validateSite names every problem', async (t) => {
  t.same(validateSite(site()), []);
  const problems = validateSite(site({
    nodes: [
      { id: 'a', parentId: null, limitA: 10 },
      { id: 'b', parentId: null, limitA: 10, limitKw: 3 },
      { id: 'c', parentId: 'd', limitA: -1 },
      { id: 'd', parentId: 'c', limitA: 5 },
      { id: 'e', parentId: 'zz' } as never,
    ],
    attachments: [
      { stationId: 'A', evseId: 1, nodeId: 'nowhere', attachedAt: now },
      { stationId: 'A', evseId: 1, nodeId: 'a', attachedAt: now },
      { stationId: 'A', evseId: 0, nodeId: 'a', attachedAt: now },
    ],
    minA: 0,
  }));
  const paths = problems.map((p) => p.path);
  for (const path of ['nodes', 'nodes[1]', 'nodes[2].limitA', 'nodes[2].parentId', 'nodes[4]', 'nodes[4].parentId', 'attachments[0].nodeId', 'attachments[1]', 'attachments[2]', 'minA']) {
    t.ok(paths.includes(path), `${path} named`);
  }
  t.match(problems.find((p) => p.path === 'nodes')?.message, /exactly one root/);
});

t.test('capacityNode: a number for all phases, per phase, or kW at 230 V', async (t) => {
  t.same(capacityNode({ id: 'x', parentId: null, limitA: 16 }).limit, { L1: 16, L2: 16, L3: 16 });
  t.same(capacityNode({ id: 'x', parentId: null, limitKw: 11 }).limit, { L1: 15.9, L2: 15.9, L3: 15.9 }, '11 kW / (3 × 230 V), rounded down');
});

t.test('wireLimit: on the 0.1 grid, ≤ the input, and accepted by a multipleOf 0.1 check', async (t) => {
  t.equal(wireLimit(6.6), 6.5, '6.6 / 0.1 is not an integer in floating point');
  t.equal(wireLimit(16.66), 16.6);
  t.equal(wireLimit(0), 0);
  fc.assert(
    fc.property(fc.double({ min: 0, max: 2000, noNaN: true }), (amps) => {
      const w = wireLimit(amps);
      return w <= amps + 1e-9 && amps - w < 0.5 && (w / 0.1) % 1 === 0;
    }),
  );
});

t.test('safe shares: every node within its limit if every attachment draws its share', async (t) => {
  const s = site();
  const shares = safeShares(s);
  t.same(Object.fromEntries(shares), { 'A|1': 16, 'A|2': 16, 'B|0': 15.9 });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 500 }), (n, limit) => {
      const many = site({ nodes: [{ id: 'grid', parentId: null, limitA: limit }], attachments: Array.from({ length: n }, (_, i) => ({ stationId: `S${i}`, evseId: 1, nodeId: 'grid', attachedAt: now })) });
      const sum = [...safeShares(many).values()].reduce((a, b) => a + b, 0);
      return sum <= limit + 1e-9;
    }),
  );
});

t.test('demandsOf: attachment rating, phases, priority, caps; sessions of other stations ignored', async (t) => {
  const demands = demandsOf(site(), [
    { stationId: 'A', evseId: 2, transactionId: 't1', startedAt: now },
    { stationId: 'B', evseId: 3, transactionId: 't2', startedAt: now, capA: 10 },
    { stationId: 'A', evseId: 1, transactionId: 't3', startedAt: now, phases: ['L3'] },
    { stationId: 'Z', evseId: 1, transactionId: 't4', startedAt: now },
  ]);
  t.same(demands.map((d) => [d.id, d.nodeId, d.phases, d.maxA, d.priority]), [
    ['A|2|t1', 'feeder', ['L1', 'L2', 'L3'], 32, 0],
    ['B|3|t2', 'carport', ['L2'], 10, 5],
    ['A|1|t3', 'feeder', ['L3'], 32, 0],
  ]);
});

t.test('siteTree: nested nodes with allocated load and headroom', async (t) => {
  const tree = siteTree(site({
    allocation: { at: now, sessions: [{ stationId: 'A', evseId: 1, transactionId: 'x', limitA: 20, paused: false }], nodeLoad: { grid: { L1: 20, L2: 20, L3: 20 }, feeder: { L1: 20, L2: 20, L3: 20 } } },
  }))!;
  t.equal(tree.id, 'grid');
  t.same(tree.children.map((c) => c.id), ['feeder', 'carport']);
  t.same(tree.headroomA, { L1: 80, L2: 80, L3: 80 });
  t.same(tree.children[0]!.headroomA, { L1: 20, L2: 12, L3: 12 });
  t.same(tree.children[1]!.allocatedA, { L1: 0, L2: 0, L3: 0 });
  t.same(tree.children[0]!.attachments.map((a) => [a.evseId, a.safeShareA, a.sessions.length]), [[1, 16, 1], [2, 16, 0]]);
});
