import t from 'tap';
import fc from 'fast-check';
import { flatten, formatAmps, parseLimit, phaseUse } from '../../ui/src/pages/sites/load.ts';
import { bodyOf, daysText, emptyPeriod, emptyTariff, formOf, targetText } from '../../ui/src/pages/tariffs/tariff-form.ts';
import { commandsFor, parseWaves, progressParts, progressText } from '../../ui/src/pages/campaigns/progress.ts';
import { expiry, renewalText } from '../../ui/src/pages/certificates/expiry.ts';
import { validateTariff, TariffError } from '../../core/tariff.js';
import { coalesce } from '../../ui/src/coalesce.ts';

// The pure logic of the feature pages (sites, tariffs, campaigns, certificates); the pages
// themselves are driven in Chromium by test/e2e/ui-pages.test.ts.

t.test('sites: load bars per phase against the node limit', async (t) => {
  const use = phaseUse({ L1: 16, L2: 32, L3: 40 }, { L1: 32, L2: 32, L3: 32 });
  t.same(use.map((u) => [u.phase, u.width, u.level]), [['L1', 0.5, 'ok'], ['L2', 1, 'high'], ['L3', 1, 'over']], 'half, full (high), over (clamped bar)');
  t.same(phaseUse(undefined, { L1: 10, L2: 10, L3: 10 }).map((u) => u.allocated), [0, 0, 0], 'no allocation yet: nothing allocated');
  t.equal(phaseUse({ L1: 1, L2: 0, L3: 0 }, { L1: 0, L2: 0, L3: 0 })[0]!.level, 'over', 'load on a zero limit is over');
  fc.assert(fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), (a, l) => {
    const u = phaseUse({ L1: a, L2: a, L3: a }, { L1: l, L2: l, L3: l })[0]!;
    return u.width >= 0 && u.width <= 1 && (u.level === 'over') === (l > 0 ? a / l > 1 + 1e-9 : a > 0);
  }));
});

t.test('sites: limits as an operator types them', async (t) => {
  t.same(parseLimit('100'), { limitA: 100 });
  t.same(parseLimit(' 63/63/32 '), { limitA: { L1: 63, L2: 63, L3: 32 } });
  t.same(parseLimit('22 kW'), { limitKw: 22 });
  t.same(parseLimit('40A'), { limitA: 40 });
  for (const bad of ['', 'lots', '1/2', '-5', '10 kWh']) t.ok('error' in parseLimit(bad), `refused: ${JSON.stringify(bad)}`);
  t.equal(formatAmps({ L1: 32, L2: 32, L3: 32 }), '32 A');
  t.equal(formatAmps({ L1: 32, L2: 16.04, L3: 0 }), '32/16/0 A');
  t.equal(formatAmps(undefined), '—');
  const tree = { id: 'grid', name: null, children: [{ id: 'a', name: 'A', children: [{ id: 'a1', name: null, children: [] }] }, { id: 'b', name: null, children: [] }] };
  t.same(flatten(tree).map((x) => `${x.depth}:${x.node.id}`), ['0:grid', '1:a', '2:a1', '1:b'], 'depth-first with depth');
});

t.test('tariffs: the form gives a body the API (core validateTariff) accepts, and reads a stored tariff back', async (t) => {
  const form = { ...emptyTariff(), id: 'day', name: 'Day', currency: 'eur', taxPercent: '21', sessionFee: '0.50', energy: '0.35', idleTime: '6', idleGraceMinutes: '15', periods: [{ ...emptyPeriod(), days: [6, 7], start: '08:00', end: '20:00', energy: '0.45' }] };
  const body = bodyOf(form);
  t.same(body, {
    currency: 'EUR', taxPercent: '21', prices: { energy: '0.35', idleTime: '6' }, name: 'Day', minorDigits: 2, timeZone: 'UTC', sessionFee: '0.50', idleGraceMinutes: 15,
    periods: [{ days: [6, 7], start: '08:00', end: '20:00', energy: '0.45' }],
  });
  t.doesNotThrow(() => validateTariff(body as any), 'valid for the API');
  t.same(bodyOf(formOf({ id: 'day', ...body })), body, 'a stored tariff reads back into the same body');
  const overlapping = bodyOf({ ...form, periods: [{ ...emptyPeriod(), days: [1] }, { ...emptyPeriod(), days: [1], start: '10:00', end: '11:00' }] });
  t.throws(() => validateTariff(overlapping as any), TariffError, 'overlaps are left for the API to refuse (and the page shows its message)');
});

t.test('tariffs: weekdays and targets as text', async (t) => {
  t.equal(daysText([1, 2, 3, 4, 5]), 'Mon–Fri');
  t.equal(daysText([7, 6]), 'Sat, Sun');
  t.equal(daysText([1, 3, 4, 5, 7]), 'Mon, Wed–Fri, Sun');
  t.equal(targetText({ kind: 'evse', stationId: 'CS-1', evseId: 2 }), 'Station CS-1 EVSE 2');
  t.equal(targetText({ kind: 'stationGroup', group: 'g', stationIds: ['a', 'b'] }), 'Station group g (2)');
});

t.test('campaigns: the commands each status allows, progress parts', async (t) => {
  t.same(commandsFor('running', 'campaign'), ['pause', 'abort']);
  t.same(commandsFor('paused', 'campaign'), ['resume', 'abort']);
  t.same(commandsFor('running', 'report'), ['abort'], 'report jobs: abort only');
  t.same(commandsFor('complete', 'campaign'), []);
  t.same(commandsFor('aborted', 'report'), []);
  const progress = { pending: 2, downloading: 1, installing: 0, installed: 6, failed: 1, aborted: 0, total: 10, offline: 1 };
  t.same(progressParts(progress).map((p) => [p.state, p.count, p.share]), [['installed', 6, 0.6], ['downloading', 1, 0.1], ['pending', 2, 0.2], ['failed', 1, 0.1]]);
  t.equal(progressText(progress), '6 of 10 done (1 failed), 1 waiting offline');
  t.same(parseWaves('1, 10 100'), [1, 10, 100]);
  t.equal(parseWaves(' '), undefined);
  t.ok('error' in (parseWaves('1, 0') as object));
  fc.assert(fc.property(fc.record({ pending: fc.nat(50), installed: fc.nat(50), failed: fc.nat(50), x: fc.nat(50) }), (counts) => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const sum = progressParts({ ...counts, total }).reduce((a, p) => a + p.share, 0);
    return total === 0 ? sum === 0 : Math.abs(sum - 1) < 1e-9;
  }));
  t.pass('the parts fill the bar exactly, whatever the counts');
});

t.test('certificates: expiry and renewal as text', async (t) => {
  const now = new Date('2026-06-01T12:00:00Z');
  t.same(expiry('2026-08-01T12:00:00Z', now), { text: 'in 61 days', level: 'ok' });
  t.same(expiry('2026-06-11T12:00:00Z', now), { text: 'in 10 days', level: 'soon' });
  t.same(expiry('2026-05-30T12:00:00Z', now), { text: 'expired 2 days ago', level: 'expired' });
  t.same(expiry(null, now), { text: 'unknown', level: 'unknown' });
  t.equal(renewalText(null), 'not due');
  t.equal(renewalText({ status: 'failed', error: 'CSR refused' }), 'renewal failed: CSR refused');
  t.equal(renewalText({ status: 'renewed', renewedBy: '0a1b' }), 'renewed by 0a1b');
  t.equal(renewalText({ status: 'triggered', attempts: 2 }), 'renewal asked (attempt 2)');
});

t.test('live reloads: calls while one runs fold into one more run', async (t) => {
  let runs = 0;
  let release: () => void = () => {};
  const reload = coalesce(async () => {
    runs++;
    await new Promise<void>((r) => (release = r));
  });
  const first = reload();
  for (let i = 0; i < 100; i++) void reload();
  t.equal(runs, 1, 'one run in flight');
  release();
  await new Promise((r) => setImmediate(r));
  t.equal(runs, 2, 'the hundred calls made one more run');
  release();
  await first;
  t.equal(runs, 2, 'and no more');
  const failing = coalesce(async () => {
    runs++;
    throw new Error('network');
  });
  await failing();
  await failing();
  t.equal(runs, 4, 'a failed run does not stop the next');
});
