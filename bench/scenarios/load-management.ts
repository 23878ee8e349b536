/**
 * load-management: site load management's reaction time (issue #13). Stations (half 1.6, half
 * 2.0.1, plain WebSockets opened by this process, not the simulator pool: each must answer
 * SetChargingProfile and note when the profile arrived) are attached to sites of one capacity
 * node each; on every site, sessions start one after another (all sites at once). Measured per
 * session start: from sending StartTransaction / TransactionEvent Started to the moment every
 * active session of that site holds the limit the new allocation gives it (the station received
 * its new TxProfile), p50/p99. The expected limits are computed here, independently of the CSMS:
 * one node of `siteLimitA`, every session three-phase, at most 32 A, on the 0.1 A grid.
 * Switchyard only (the baselines have no load management).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { forEachLimited, request } from '../orchestrator/rest.js';
import type { Scenario } from './scenario.js';

const SITES = 20;
const MAX_A = 32;
const MIN_A = 6;

/** The largest limit ≤ amps on the 0.1 A grid that a `multipleOf: 0.1` check accepts (as the CSMS sends). */
function wire(amps: number): number {
  let tenths = Math.floor(amps * 10 + 1e-6);
  while (tenths > 0 && (tenths / 10 / 0.1) % 1 !== 0) tenths--;
  return tenths / 10;
}

/** What each of `k` sessions on one node of `limit` A gets (all admitted: k × 6 A ≤ limit here). */
function share(limit: number, k: number): number {
  return wire(Math.min(MAX_A, Math.floor((limit / k) * 10 + 1e-6) / 10));
}

interface Sim {
  id: string;
  version: 'ocpp1.6' | 'ocpp2.0.1';
  ws: WebSocket;
  seq: number;
  pending: Map<string, (payload: any) => void>;
  /** Newest Tx limit per transaction id, and when it arrived. */
  tx: Map<string, { limit: number; at: number }>;
  defaults: number;
  active?: string;
  onProfile?: () => void;
}

function connect(base: string, id: string, version: Sim['version']): Promise<Sim> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}/${id}`, [version]);
    const sim: Sim = { id, version, ws, seq: 0, pending: new Map(), tx: new Map(), defaults: 0 };
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame[0] === 3) {
        sim.pending.get(frame[1])?.(frame[2]);
        sim.pending.delete(frame[1]);
      } else if (frame[0] === 2) {
        const [, msgId, action, payload] = frame;
        if (action === 'SetChargingProfile') {
          const p = version === 'ocpp1.6' ? payload.csChargingProfiles : payload.chargingProfile;
          const schedule = version === 'ocpp1.6' ? p.chargingSchedule : p.chargingSchedule[0];
          const limit = schedule.chargingSchedulePeriod[0].limit;
          if (p.chargingProfilePurpose === 'TxProfile') sim.tx.set(String(p.transactionId), { limit, at: performance.now() });
          else sim.defaults++;
          ws.send(JSON.stringify([3, msgId, { status: 'Accepted' }]));
          sim.onProfile?.();
        } else {
          ws.send(JSON.stringify([4, msgId, 'NotImplemented', '', {}]));
        }
      }
    });
    ws.once('open', () => resolve(sim));
    ws.once('error', reject);
  });
}

function call(sim: Sim, action: string, payload: unknown): Promise<any> {
  const id = `${sim.id}-${sim.seq++}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${action} to ${sim.id}: no answer`)), 30_000);
    sim.pending.set(id, (p) => (clearTimeout(timer), resolve(p)));
    sim.ws.send(JSON.stringify([2, id, action, payload]));
  });
}

async function boot(sim: Sim): Promise<void> {
  await call(sim, 'BootNotification', sim.version === 'ocpp1.6'
    ? { chargePointVendor: 'Bench', chargePointModel: 'LM' }
    : { reason: 'PowerUp', chargingStation: { vendorName: 'Bench', model: 'LM' } });
}

async function startSession(sim: Sim): Promise<void> {
  const now = new Date().toISOString();
  if (sim.version === 'ocpp1.6') {
    const res = await call(sim, 'StartTransaction', { connectorId: 1, idTag: `LM-${sim.id}`, meterStart: 0, timestamp: now });
    sim.active = String(res.transactionId);
  } else {
    const txId = `lm-${sim.id}`;
    sim.active = txId;
    await call(sim, 'TransactionEvent', {
      eventType: 'Started', timestamp: now, triggerReason: 'Authorized', seqNo: 0,
      transactionInfo: { transactionId: txId, chargingState: 'Charging' }, idToken: { idToken: `LM-${sim.id}`, type: 'ISO14443' }, evse: { id: 1, connectorId: 1 },
    });
  }
}

export const loadManagement: Scenario = {
  name: 'load-management',
  title: 'Site load management: session start → every affected station holds its new profile',
  defaults: {
    quick: { stations: 1000, duration: 60 },
    full: { stations: 1000, duration: 120 },
  },
  keyMetrics: [
    { key: 'reactionP50Ms', label: 'reaction p50', unit: 'ms', better: 'lower' },
    { key: 'reactionP99Ms', label: 'reaction p99', unit: 'ms', better: 'lower' },
  ],
  reconnect: false,
  switchyardOnly: true,
  budgetSec: (p) => p.duration + 240 + p.stations / 20,
  async run(ctx) {
    const n = Math.max(SITES, ctx.params.stations);
    const perSite = Math.floor(n / SITES);
    const siteLimitA = perSite * MIN_A + 20;
    const base = ctx.server.ocppUrl;
    const api = ctx.server.apiUrl;
    const run = Date.now().toString(36);
    ctx.sampler.phase = 'connect';
    const sims: Sim[] = [];
    const ids = Array.from({ length: perSite * SITES }, (_, i) => i);
    await forEachLimited(ids, 50, async (i) => {
      const sim = await connect(base, `LM${run}-${i}`, i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1');
      await boot(sim);
      sims[i] = sim;
    });
    ctx.sampler.phase = 'sites';
    const sites = Array.from({ length: SITES }, (_, s) => sims.slice(s * perSite, (s + 1) * perSite));
    for (let s = 0; s < SITES; s++) {
      const created = await request('POST', `${api}/sites`, { id: `lm-${run}-${s}`, nodes: [{ id: 'grid', parentId: null, limitA: siteLimitA }] });
      if (created.status !== 201) throw new Error(`POST /sites answered ${created.status}`);
    }
    await forEachLimited(sites.flatMap((members, s) => members.map((sim) => ({ sim, s }))), 8, async ({ sim, s }) => {
      const res = await request('POST', `${api}/sites/lm-${run}-${s}/attachments`, { stationId: sim.id, evseId: 1, nodeId: 'grid' });
      if (res.status !== 201) throw new Error(`attach answered ${res.status}`);
    });
    // Every station holds a default before sessions start.
    for (let i = 0; i < 600 && sims.some((x) => x.defaults === 0); i++) await ctx.sleep(100);
    const withoutDefault = sims.filter((x) => x.defaults === 0).length;
    if (withoutDefault > 0) ctx.note(`${withoutDefault} stations had no TxDefaultProfile after 60 s`);

    ctx.sampler.phase = 'sessions';
    const phase = ctx.beginPhase('sessions');
    const reactions: number[] = [];
    let timeouts = 0;
    const deadline = performance.now() + ctx.params.duration * 1000;
    const t0 = performance.now();
    await Promise.all(
      sites.map(async (members) => {
        for (let k = 1; k <= members.length && performance.now() < deadline; k++) {
          const sim = members[k - 1]!;
          const expected = share(siteLimitA, k);
          const active = members.slice(0, k);
          const started = performance.now();
          const done = new Promise<number | undefined>((resolve) => {
            const check = () => {
              if (!active.every((m) => m.active !== undefined && m.tx.get(m.active)?.limit === expected)) return false;
              resolve(Math.max(...active.map((m) => m.tx.get(m.active!)!.at)) - started);
              return true;
            };
            for (const m of active) m.onProfile = check;
            const timer = setTimeout(() => resolve(undefined), 20_000);
            const poll = setInterval(() => check() && (clearInterval(poll), clearTimeout(timer)), 20);
          });
          await startSession(sim);
          const ms = await done;
          for (const m of active) m.onProfile = undefined;
          if (ms === undefined) timeouts++;
          else reactions.push(ms);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const s = phase.end();
    const sorted = [...reactions].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length === 0 ? null : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!));
    const lat = { p50: pct(50), p99: pct(99), max: pct(100) };
    const m = ctx.metrics;
    m.stations = sims.length;
    m.sites = SITES;
    m.stationsPerSite = perSite;
    m.siteLimitA = siteLimitA;
    m.sessionStarts = reactions.length + timeouts;
    m.startsPerSec = Math.round(((reactions.length + timeouts) / seconds) * 10) / 10;
    m.reactionP50Ms = lat.p50;
    m.reactionP99Ms = lat.p99;
    m.reactionMaxMs = lat.max;
    m.notSettledIn20s = timeouts;
    m.serverCpuPct = s.serverCpuPct ?? null;
    ctx.note(`each site starts its sessions one after another; all ${SITES} sites at once; from the 11th session on every start changes the limit of every active session of the site`);
    for (const sim of sims) sim.ws.close();
  },
};
