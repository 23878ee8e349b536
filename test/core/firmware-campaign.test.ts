import t from 'tap';
import fc from 'fast-check';
import {
  campaignFromStored,
  applyRequest,
  applySend,
  control,
  currentWave,
  dueStations,
  isActive,
  isInFlight,
  markSending,
  matchesTarget,
  mayDrive,
  newCampaign,
  progressOf,
  waveOf,
  REPORT_STATE_OF,
  type FirmwareCampaign,
} from '../../core/firmware-campaign.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function campaign(n: number, rollout: Parameters<typeof newCampaign>[0]['rollout'] = {}): FirmwareCampaign {
  const ids = Array.from({ length: n }, (_, i) => `S${i}`);
  return newCampaign({ tenantId: 't', id: 'c', firmware: { location: 'https://fw/x.bin' }, target: { stationIds: ids }, rollout }, ids, at(0));
}

/** Sends to every due station with the outcome `outcome(stationId)`. */
function send(c: FirmwareCampaign, s: number, outcome: (id: string) => Parameters<typeof applySend>[2], connected?: Set<string>): [FirmwareCampaign, string[]] {
  const due = dueStations(c, at(s), connected);
  for (const id of due) c = markSending(c, id, at(s));
  for (const id of due) c = applySend(c, id, outcome(id), at(s));
  return [c, due];
}

t.test('targets and waves', async (t) => {
  const station = { id: 'A', vendor: 'ACME', model: 'R1', firmwareVersion: '1.0' };
  t.ok(matchesTarget(station, { model: 'R1' }));
  t.ok(matchesTarget(station, { vendor: 'ACME', model: 'R1', firmwareVersion: '1.0', stationIds: ['A', 'B'] }));
  t.notOk(matchesTarget(station, { firmwareVersion: '2.0' }));
  t.notOk(matchesTarget(station, { stationIds: ['B'] }));
  t.notOk(matchesTarget({ ...station, vendor: null }, { vendor: 'ACME' }));
  t.same([0, 1, 2, 3, 4, 5, 6].map((i) => waveOf(i, [1, 2])), [0, 1, 1, 2, 2, 2, 2]);
  t.same(newCampaign({ tenantId: 't', id: 'c', firmware: { location: 'x' }, target: {} }, ['a', 'b', 'a'], at(0)).stations.map((s) => s.stationId), ['a', 'b'], 'duplicates once');
  t.equal(newCampaign({ tenantId: 't', id: 'c', firmware: { location: 'x' }, target: {} }, [], at(0)).status, 'complete');
});

t.test('canary first, then the next wave, within the concurrency', async (t) => {
  let c = campaign(6, { waves: [1, 2], concurrency: 2 });
  let due: string[];
  [c, due] = send(c, 1, () => ({ kind: 'accepted', requestId: 1 }));
  t.same(due, ['S0'], 'only the canary');
  t.same(dueStations(c, at(2)), [], 'nothing else while the canary runs');
  c = applyRequest(c, 'S0', { status: 'receiving', progress: 'Installing', error: null }, at(3));
  t.equal(c.stations[0]!.state, 'installing');
  c = applyRequest(c, 'S0', { status: 'complete', progress: 'Installed', error: null }, at(4));
  t.equal(c.stations[0]!.state, 'installed');
  [c, due] = send(c, 5, () => ({ kind: 'accepted', requestId: 2 }));
  t.same(due, ['S1', 'S2'], 'wave 1');
  c = applyRequest(c, 'S1', { status: 'complete', progress: 'Installed', error: null }, at(6));
  t.same(dueStations(c, at(7)), [], 'wave 2 waits for all of wave 1 even with a free slot');
  c = applyRequest(c, 'S2', { status: 'failed', progress: 'InstallationFailed', error: 'InstallationFailed' }, at(8));
  t.match(c.stations[2], { state: 'pending', attempts: 1, error: 'InstallationFailed' }, 'retried later (maxAttempts 2)');
  t.same(dueStations(c, at(8)), [], 'not before the retry delay');
  [c, due] = send(c, 8 + 60, () => ({ kind: 'failed', error: 'Rejected' }));
  t.same(due, ['S2']);
  t.match(c.stations[2], { state: 'failed', attempts: 2, error: 'Rejected' }, 'no attempts left');
  [c, due] = send(c, 70, (id) => (id === 'S3' ? { kind: 'offline' } : { kind: 'accepted', requestId: 3 }));
  t.same(due, ['S3', 'S4']);
  t.match(c.stations[3], { state: 'pending', waiting: 'offline', attempts: 0 }, 'offline is not an attempt');
  t.equal(currentWave(c), 2);
  [c, due] = send(c, 71, () => ({ kind: 'accepted', requestId: 4 }));
  t.same(due, ['S5'], 'the offline station frees its slot');
  t.same(dueStations(c, at(72), new Set(['S3'])), [], 'no free slot even for a station that connected');
  c = applyRequest(c, 'S4', { status: 'complete', progress: 'Installed', error: null }, at(73));
  c = applyRequest(c, 'S5', { status: 'complete', progress: 'Installed', error: null }, at(73));
  t.equal(c.status, 'running', 'the offline station keeps it running');
  t.same(dueStations(c, at(74)), [], 'not before its offline retry');
  [c, due] = send(c, 75, () => ({ kind: 'accepted', requestId: 5 }), new Set(['S3']));
  t.same(due, ['S3'], 'at once when it connects');
  c = applyRequest(c, 'S3', { status: 'complete', progress: 'Installed', error: null }, at(76));
  t.equal(c.status, 'complete');
  t.equal(c.finishedAt, at(76));
  t.match(progressOf(c), { installed: 5, failed: 1, total: 6 });
  t.notOk(isActive(c));
});

t.test('pause, resume, abort and the failure threshold', async (t) => {
  let c = campaign(4, { waves: [], concurrency: 4, maxAttempts: 1, maxFailures: 1 });
  const paused = control(c, 'pause', at(1));
  if ('error' in paused) throw new Error(paused.error);
  t.same(dueStations(paused.campaign, at(2)), [], 'a paused campaign sends nothing');
  t.match(control(paused.campaign, 'pause', at(2)), { error: /paused campaign cannot be paused/ });
  const resumed = control(paused.campaign, 'resume', at(3));
  if ('error' in resumed) throw new Error(resumed.error);
  c = resumed.campaign;
  [c] = send(c, 4, (id) => (id === 'S0' || id === 'S1' ? { kind: 'failed', error: 'Rejected' } : { kind: 'accepted', requestId: 9 }));
  t.match(c, { status: 'paused', pausedReason: /2 stations failed/ }, 'more failures than maxFailures pause it');
  const aborted = control(c, 'abort', at(5));
  if ('error' in aborted) throw new Error(aborted.error);
  t.equal(aborted.campaign.status, 'aborted');
  t.ok(isActive(aborted.campaign), 'still followed: stations in flight');
  let a = aborted.campaign;
  a = applyRequest(a, 'S2', { status: 'complete', progress: 'Installed', error: null }, at(6));
  a = applyRequest(a, 'S3', { status: 'timed-out', progress: null, error: null }, at(6));
  t.match(a.stations.map((s) => s.state), ['failed', 'failed', 'installed', 'failed']);
  t.equal(a.status, 'aborted');
  t.notOk(isActive(a));
  t.match(control(a, 'resume', at(7)), { error: /aborted campaign cannot be resumed/ });
  const pending = control(campaign(2), 'abort', at(1));
  if ('error' in pending) throw new Error(pending.error);
  t.same(pending.campaign.stations.map((s) => s.state), ['aborted', 'aborted']);
  t.notOk(isActive(pending.campaign));
});

t.test('leases', async (t) => {
  const c = campaign(1);
  t.ok(mayDrive(c, 'n1', at(0)));
  const held = { ...c, lease: { nodeId: 'n1', until: at(30) } };
  t.ok(mayDrive(held, 'n1', at(10)));
  t.notOk(mayDrive(held, 'n2', at(10)), 'another node waits for the lease');
  t.ok(mayDrive(held, 'n2', at(30)), 'and takes over once it ran out');
});

t.test('property: any run keeps the rollout rules and ends with every station settled', async (t) => {
  const outcome = fc.constantFrom('accepted', 'offline', 'failed');
  const result = fc.constantFrom('complete', 'failed', 'receiving', 'timed-out');
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 25 }),
      fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 3 }),
      fc.infiniteStream(fc.tuple(outcome, result)),
      (n, waves, concurrency, maxAttempts, random) => {
        let c = campaign(n, { waves, concurrency, maxAttempts, retryDelaySec: 1, offlineRetrySec: 1 });
        const it = random[Symbol.iterator]();
        const sends = new Map<string, number>();
        for (let step = 1; step < 2000 && c.status === 'running'; step++) {
          const wave = currentWave(c);
          const due = dueStations(c, at(step * 10));
          for (const id of due) {
            const s = c.stations.find((x) => x.stationId === id)!;
            if (s.waiting !== 'offline' && s.wave > wave) throw new Error(`${id} of wave ${s.wave} sent during wave ${wave}`);
          }
          // Late in the run every station is online and accepts: the campaign must then finish.
          const late = step > 500;
          for (const id of due) {
            c = markSending(c, id, at(step * 10));
            const [o] = it.next().value as [string, string];
            const kind = late ? 'accepted' : o;
            if (kind !== 'offline') sends.set(id, (sends.get(id) ?? 0) + 1);
            c = applySend(c, id, kind === 'accepted' ? { kind: 'accepted', requestId: 1 } : kind === 'offline' ? { kind: 'offline' } : { kind: 'failed', error: 'x' }, at(step * 10));
          }
          if (c.stations.filter(isInFlight).length > concurrency) throw new Error('over the concurrency');
          for (const s of c.stations.filter(isInFlight)) {
            const [, r] = it.next().value as [string, string];
            const status = late ? 'complete' : r;
            c = applyRequest(c, s.stationId, { status, progress: null, error: status === 'complete' ? null : status }, at(step * 10 + 5));
          }
        }
        if (c.status !== 'complete') throw new Error(`not complete: ${JSON.stringify(progressOf(c))}`);
        for (const s of c.stations) {
          if (s.attempts > maxAttempts) throw new Error(`${s.stationId}: ${s.attempts} attempts`);
          if ((sends.get(s.stationId) ?? 0) !== s.attempts) throw new Error(`${s.stationId}: attempts ${s.attempts} but sent ${sends.get(s.stationId)}`);
          if (s.state === 'failed' && s.attempts !== maxAttempts) throw new Error(`${s.stationId} failed before its last attempt`);
        }
      },
    ),
    { numRuns: 200 },
  );
  t.pass('200 random rollouts');
});

t.test('report jobs (kind report) reuse the campaign: a 1.6 answer or an empty report settles a station at once', async (t) => {
  let c = newCampaign({ tenantId: 't', id: 'r', kind: 'report', reportBase: 'FullInventory', target: { stationIds: ['a', 'b', 'c'] }, rollout: { waves: [], maxAttempts: 1 } }, ['a', 'b', 'c'], at(0));
  t.match(c, { kind: 'report', reportBase: 'FullInventory', name: 'report FullInventory' });
  t.notOk('job' in c, 'one discriminator: kind');
  t.notOk('firmware' in c, 'no firmware');
  t.same(dueStations(c, at(1)), ['a', 'b', 'c'], 'no canary wave');
  for (const id of ['a', 'b', 'c']) c = markSending(c, id, at(1));
  c = applySend(c, 'a', { kind: 'done', requestId: null }, at(2));
  c = applySend(c, 'b', { kind: 'accepted', requestId: 4 }, at(2));
  c = applySend(c, 'c', { kind: 'failed', error: 'Rejected' }, at(2));
  t.same(c.stations.map((s) => [s.stationId, REPORT_STATE_OF[s.state]]), [['a', 'complete'], ['b', 'receiving'], ['c', 'failed']]);
  c = applyRequest(c, 'b', { status: 'complete', progress: null, error: null }, at(3));
  t.equal(c.status, 'complete', 'every station settled');
});

t.test('password-rotation campaigns: the station\'s acceptance settles it at once', async (t) => {
  const now = '2026-03-01T00:00:00.000Z';
  const c = newCampaign({ tenantId: 't', id: 'rot', kind: 'password-rotation', target: {} }, ['A', 'B'], now);
  t.equal(c.kind, 'password-rotation');
  t.notOk('firmware' in c, 'no firmware');
  let next = markSending(markSending(c, 'A', now), 'B', now);
  next = applySend(next, 'A', { kind: 'accepted', requestId: null }, now);
  t.match(next.stations.find((s) => s.stationId === 'A'), { state: 'installed', error: null });
  next = applySend({ ...next, rollout: { ...next.rollout, maxAttempts: 1 } }, 'B', { kind: 'failed', error: 'Rejected' }, now);
  t.match(next.stations.find((s) => s.stationId === 'B'), { state: 'failed', error: 'Rejected' });
  t.equal(next.status, 'complete', 'every station settled');
  const firmware = newCampaign({ tenantId: 't', id: 'fw', firmware: { location: 'https://x/fw.bin' }, target: {} }, ['A'], now);
  t.equal(firmware.kind, 'firmware', 'firmware campaigns now carry their kind too (campaignFromStored reads the ones stored without it)');
  t.match(applySend(markSending(firmware, 'A', now), 'A', { kind: 'accepted', requestId: 5 }, now).stations[0], { state: 'downloading', requestId: 5 }, 'firmware is followed to its install');
});

t.test('campaigns stored with the two old markers read with the one discriminator (kind)', async (t) => {
  const now = '2026-03-01T00:00:00.000Z';
  const base = newCampaign({ tenantId: 't', id: 'x', firmware: { location: 'https://fw.example/a.bin' }, target: {} }, ['A'], now);
  t.equal(base.kind, 'firmware', 'new campaigns always carry their kind');
  const { kind: _k, firmware, ...common } = base as typeof base & { kind: 'firmware' };
  t.same(campaignFromStored({ ...common, firmware }), base, 'no kind: a firmware campaign (stored before kinds)');
  t.same(campaignFromStored({ ...common, kind: 'password-rotation' }), { ...common, kind: 'password-rotation' });
  t.same(
    campaignFromStored({ ...common, job: { kind: 'report', reportBase: 'SummaryInventory' } }),
    { ...common, kind: 'report', reportBase: 'SummaryInventory' },
    'job: report (the bulk report jobs\' marker) → kind report',
  );
  t.same(campaignFromStored(base), base, 'what is stored now reads unchanged');
  const report = newCampaign({ tenantId: 't', id: 'r', kind: 'report', target: {} }, ['A'], now);
  t.same(campaignFromStored(report), report);
});
