/**
 * How the stations table's query (GET /stations, store.stations.searchStations) behaves at 100k
 * stations in SQLite: fills a file database (raw inserts after the migrations), then times each
 * query shape (median of 20 pages) and prints SQLite's plan for it. Measures, never asserts.
 * After `npm run build`:
 *   node scripts/measure-stations-table.mjs [stations=100000] [dir=/tmp]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteStore } from '../dist/adapters/store/sqlite-store.js';
import { stationSearchSql } from '../dist/adapters/store/station-search-sql.js';

const N = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(process.argv[3] ?? '/tmp', 'stations-table-'));
const path = join(dir, 'csms.db');
const VENDORS = ['abb', 'alpitronic', 'kempower', 'delta', 'tritium', 'wallbox', 'easee', 'zaptec'];
const MODELS = ['terra', 'hyper', 'satellite', 'dc', 'rtm', 'pulsar', 'home', 'pro'];

async function main() {
  await new SqliteStore({ path }).close(); // the migrations
  const db = new Database(path);
  const insert = db.prepare(
    `INSERT INTO stations (id, tenant_id, vendor, model, firmware_version, protocol, last_seen_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const status = db.prepare(
    `INSERT INTO connector_statuses (station_id, evse_id, connector_id, tenant_id, status, reported_at, updated_at) VALUES (?, 1, 1, ?, ?, ?, ?)`,
  );
  const started = performance.now();
  db.transaction(() => {
    const now = new Date().toISOString();
    for (let i = 0; i < N; i++) {
      const id = `CS-${String(i).padStart(6, '0')}`;
      const booted = i % 50 !== 0; // 2% never booted: null columns
      const v = i % VENDORS.length;
      insert.run(
        id, i % 10 === 0 ? 'other' : 'acme', booted ? VENDORS[v] : null, booted ? MODELS[(i >> 3) % MODELS.length] : null,
        booted ? `${i % 7}.${i % 5}.${i % 3}` : null, booted ? ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'][i % 3] : null,
        new Date(Date.now() - i * 1000).toISOString(), now, now,
      );
      status.run(id, i % 10 === 0 ? 'other' : 'acme', i % 1000 === 7 ? 'Faulted' : i % 4 === 0 ? 'Occupied' : 'Available', now, now);
    }
  })();
  db.exec('ANALYZE');
  db.close();
  console.log(`${N} stations (90% tenant acme) written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const store = new SqliteStore({ path });
  const online = Array.from({ length: Math.floor(N * 0.9 * 0.8) }, (_, k) => `CS-${String(k + Math.floor(k / 9) + 1).padStart(6, '0')}`);
  /** @type {Array<[string, object]>} */
  const shapes = [
    ['by id', {}],
    ['by id desc', { dir: 'desc' }],
    ['by vendor', { sort: 'vendor' }],
    ['by last seen desc', { sort: 'lastSeenAt', dir: 'desc' }],
    ['vendor = kempower', { vendor: 'kempower' }],
    ['vendor + model, by firmware', { vendor: 'abb', model: 'terra', sort: 'firmwareVersion' }],
    ['protocol = ocpp2.1, by model', { protocol: 'ocpp2.1', sort: 'model' }],
    ['status = Faulted (0.1%)', { status: 'Faulted' }],
    ['q = "kemp" (vendor prefix, 12%)', { q: 'kemp' }],
    ['q = "CS-0999" (id prefix, rare)', { q: 'CS-0999' }],
    ['q = "nomatch" (worst case: no row)', { q: 'nomatch' }],
    [`online (${online.length} connected ids)`, { ids: { only: online } }],
    [`offline (all but ${online.length})`, { ids: { except: online } }],
  ];
  const raw = new Database(path, { readonly: true });
  for (const [name, shape] of shapes) {
    const times = [];
    let cursor;
    for (let k = 0; k < 20; k++) {
      const t0 = performance.now();
      const page = await store.stations.searchStations('acme', { ...shape, limit: 50, cursor });
      times.push(performance.now() - t0);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    times.sort((a, b) => a - b);
    const { text, params } = stationSearchSql('sqlite', 'acme', { ...shape, limit: 50 });
    const plan = raw.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params).map((r) => r.detail).join('; ');
    console.log(`${name.padEnd(40)} median ${times[times.length >> 1].toFixed(2).padStart(7)} ms  max ${times[times.length - 1].toFixed(2).padStart(7)} ms  (${times.length} pages)  plan: ${plan}`);
  }
  raw.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
