import type { Test } from 'tap';
import { newCertificateRecord } from '../../core/certificate-inventory.js';
import type { Store } from '../../core/ports/store/store.js';
import type { BootInfo } from '../../core/types.js';

/**
 * The store contract, written once: every adapter's test file calls `storeContract` with a
 * factory, and every adapter must pass it unchanged. It covers the station slice of `Store`
 * (stations, logins, boots, connector statuses) plus flush/close; other slices keep their own
 * contract files beside this one.
 */
export interface StoreContractOptions {
  /** A fresh, empty store. Each call must return an independent store. */
  open(): Promise<Store>;
  /**
   * For adapters that persist (a file, a server): reopens the data of a store that has been
   * closed. Omit for purely in-memory stores: they have no durability test (nothing to reopen),
   * so it is left out rather than reported as skipped (.ci/run fails on skips).
   */
  reopen?(closed: Store): Promise<Store>;
}

const BOOT_AT = '2025-01-02T03:04:05.000Z';

function boot(overrides: Partial<BootInfo> = {}): BootInfo {
  return {
    vendor: 'VendorX',
    model: 'ModelY',
    serialNumber: 'SN-1',
    firmwareVersion: '1.0.0',
    iccid: 'ICCID',
    imsi: 'IMSI',
    reason: 'PowerUp',
    protocol: 'ocpp2.0.1',
    at: BOOT_AT,
    ...overrides,
  };
}

function status(tenantId: string, stationId: string, evseId: number, connectorId: number, s: 'Available' | 'Occupied' | 'Faulted' = 'Available') {
  return {
    tenantId,
    stationId,
    evseId,
    connectorId,
    status: s,
    detailedStatus: s === 'Occupied' ? 'Charging' : null,
    errorCode: s === 'Faulted' ? 'GroundFailure' : null,
    info: null,
    vendorErrorCode: null,
    reportedAt: '2025-01-02T03:05:00.000Z',
  };
}

export function storeContract(t: Test, name: string, options: StoreContractOptions): void {
  /** Opens a fresh store for one subtest and closes it afterwards. */
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close());
    return store;
  }

  t.test(`${name}: store contract`, async (t) => {
    t.test('createStation and getStation', async (t) => {
      const store = await fresh(t);
      t.type(store.kind, 'string');
      t.equal(await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: 'scrypt$hash' }), true);
      const station = await store.stations.getStation('acme', 'CS-1');
      t.match(station, {
        tenantId: 'acme', id: 'CS-1', passwordHash: 'scrypt$hash', vendor: null, model: null, serialNumber: null,
        firmwareVersion: null, iccid: null, imsi: null, protocol: null, bootReason: null, lastBootAt: null, lastSeenAt: null,
      });
      t.ok(!Number.isNaN(Date.parse(station!.createdAt)), 'createdAt is an ISO time');
      t.ok(!Number.isNaN(Date.parse(station!.updatedAt)), 'updatedAt is an ISO time');
      t.equal(await store.stations.getStation('acme', 'CS-2'), undefined, 'unknown id');
      t.equal(await store.stations.createStation({ tenantId: 'acme', id: 'CS-open', passwordHash: null }), true);
      t.equal((await store.stations.getStation('acme', 'CS-open'))!.passwordHash, null, 'passwordless station');
    });

    t.test('station ids are unique across tenants', async (t) => {
      const store = await fresh(t);
      t.equal(await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: 'h1' }), true);
      t.equal(await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: 'h2' }), false, 'same tenant');
      t.equal(await store.stations.createStation({ tenantId: 'other', id: 'CS-1', passwordHash: 'h3' }), false, 'other tenant');
      t.equal((await store.stations.getStation('acme', 'CS-1'))!.passwordHash, 'h1', 'the first registration stands');
      t.equal(await store.stations.getStation('other', 'CS-1'), undefined, 'a wrong tenant sees nothing');
    });

    t.test('findStationLogin looks up across tenants', async (t) => {
      const store = await fresh(t);
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: 'h1' });
      await store.stations.createStation({ tenantId: 'other', id: 'CS-2', passwordHash: null });
      t.same(await store.stations.findStationLogin('CS-1'), { tenantId: 'acme', id: 'CS-1', passwordHash: 'h1', securityProfile: 1, previousPasswordHash: null });
      t.same(await store.stations.findStationLogin('CS-2'), { tenantId: 'other', id: 'CS-2', passwordHash: null, securityProfile: 1, previousPasswordHash: null });
      t.equal(await store.stations.findStationLogin('CS-3'), undefined);
      t.equal(await store.stations.findStationLogin('cs-1'), undefined, 'ids are case-sensitive');
    });

    t.test('listStations pages through one tenant with a cursor', async (t) => {
      const store = await fresh(t);
      const ids = Array.from({ length: 25 }, (_, i) => `CS-${String(i).padStart(3, '0')}`);
      // Created out of order: pages come back sorted by id regardless.
      for (const id of [...ids].reverse()) await store.stations.createStation({ tenantId: 'acme', id, passwordHash: null });
      for (let i = 0; i < 5; i++) await store.stations.createStation({ tenantId: 'other', id: `OT-${i}`, passwordHash: null });

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.stations.listStations('acme', { limit: 10, cursor });
        t.ok(page.items.length <= 10);
        for (const s of page.items) t.equal(s.tenantId, 'acme');
        seen.push(...page.items.map((s) => s.id));
        cursor = page.nextCursor;
        t.equal(typeof cursor === 'string' || cursor === undefined, true);
        pages++;
      } while (cursor && pages < 10);
      t.equal(pages, 3, '25 stations in pages of 10');
      t.same(seen, ids, 'every station once, in id order');

      const exact = await store.stations.listStations('acme', { limit: 25 });
      t.equal(exact.items.length, 25);
      t.equal(exact.nextCursor, undefined, 'no cursor when the page holds the rest');
      const other = await store.stations.listStations('other', { limit: 100 });
      t.same(other.items.map((s) => s.id), ['OT-0', 'OT-1', 'OT-2', 'OT-3', 'OT-4']);
      t.same(await store.stations.listStations('nobody', { limit: 10 }), { items: [] });
    });

    t.test('searchStations filters, sorts both ways and pages by keyset, within one tenant', async (t) => {
      const store = await fresh(t);
      // 12 stations: vendors/models/firmware/protocols spread, some never booted (null columns).
      const fleet = [
        ['CS-00', 'abb', 'terra', '1.2', 'ocpp1.6'], ['CS-01', 'abb', 'terra', '1.3', 'ocpp2.0.1'], ['CS-02', 'alpitronic', 'hypercharger', '2.0', 'ocpp2.0.1'],
        ['CS-03', 'kempower', 'satellite', '1.2', 'ocpp1.6'], ['CS-04', 'abb', 'wallbox', '1.3', 'ocpp2.1'], ['CS-05', null, null, null, null],
        ['XY-06', 'kempower', 'satellite', '3.1', 'ocpp2.0.1'], ['CS-07', 'alpitronic', 'hypercharger', '2.0', 'ocpp2.0.1'], ['CS-08', null, null, null, null],
        ['CS-09', 'delta', 'terra', '1.2', 'ocpp1.6'], ['CS-10', 'abb', 'terra', '1.2', 'ocpp1.6'], ['cs-11', 'Kempower', 'satellite', '1.2', 'ocpp1.6'],
      ] as const;
      for (const [id, vendor, model, firmwareVersion, protocol] of fleet) {
        await store.stations.createStation({ tenantId: 'acme', id, passwordHash: null });
        if (vendor) await store.stations.recordBoot('acme', id, boot({ vendor, model: model!, firmwareVersion: firmwareVersion!, protocol: protocol! }));
      }
      await store.stations.createStation({ tenantId: 'other', id: 'OT-1', passwordHash: null });
      await store.stations.recordBoot('other', 'OT-1', boot({ vendor: 'abb', model: 'terra' }));
      await store.stations.recordConnectorStatus(status('acme', 'CS-01', 1, 1, 'Faulted'));
      await store.stations.recordConnectorStatus(status('acme', 'CS-01', 1, 2, 'Available'));
      await store.stations.recordConnectorStatus(status('acme', 'CS-03', 1, 1, 'Faulted'));
      await store.stations.recordConnectorStatus(status('acme', 'CS-04', 1, 1, 'Available'));
      await store.stations.recordConnectorStatus(status('other', 'OT-1', 1, 1, 'Faulted'));

      type Q = Parameters<typeof store.stations.searchStations>[1];
      /** Every page of a query, checking the page size, and the ids in order. */
      const all = async (query: Omit<Q, 'limit' | 'cursor'>, limit = 3) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        for (let n = 0; n < 20; n++) {
          const page = await store.stations.searchStations('acme', { ...query, limit, cursor });
          t.ok(page.items.length <= limit, 'a page holds at most limit rows');
          for (const s of page.items) t.equal(s.tenantId, 'acme', 'only the tenant');
          ids.push(...page.items.map((s) => s.id));
          cursor = page.nextCursor;
          if (!cursor) return ids;
        }
        t.fail('more than 20 pages');
        return ids;
      };
      const byId = fleet.map((f) => f[0]).sort();
      t.same(await all({}), byId, 'no filter: every station of the tenant once, by id');
      t.same(await all({ dir: 'desc' }), [...byId].reverse(), 'by id descending');
      // Expected orders computed here from the rows: (value or '', id), as the adapters sort.
      const ordered = (key: 1 | 2 | 3 | 4, dir: 1 | -1) =>
        [...fleet].sort((a, b) => {
          const va = a[key] ?? '';
          const vb = b[key] ?? '';
          return (va < vb ? -1 : va > vb ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) * dir;
        }).map((f) => f[0]);
      for (const [sort, key] of [['model', 2], ['firmwareVersion', 3], ['protocol', 4]] as const) {
        t.same(await all({ sort }), ordered(key, 1), `by ${sort}, nulls first, ties by id`);
        t.same(await all({ sort, dir: 'desc' }, 4), ordered(key, -1), `by ${sort} descending`);
      }
      t.same(await all({ vendor: 'abb' }), ['CS-00', 'CS-01', 'CS-04', 'CS-10'], 'vendor filter (exact)');
      t.same(await all({ vendor: 'abb', model: 'terra', sort: 'firmwareVersion', dir: 'desc' }), ['CS-01', 'CS-10', 'CS-00'], 'vendor and model, sorted');
      t.same(await all({ firmwareVersion: '1.2', protocol: 'ocpp1.6' }), ['CS-00', 'CS-03', 'CS-09', 'CS-10', 'cs-11']);
      t.same(await all({ q: 'kemp' }), ['CS-03', 'XY-06', 'cs-11'], 'search: vendor prefix, any case');
      t.same(await all({ q: 'xy' }), ['XY-06'], 'search: id prefix, any case');
      t.same(await all({ q: 'hyper', sort: 'id', dir: 'desc' }), ['CS-07', 'CS-02'], 'search: model prefix');
      t.same(await all({ q: '3.' }), ['XY-06'], 'search: firmware prefix');
      t.same(await all({ q: 'erra' }), [], 'a prefix, not a substring');
      t.same(await all({ q: '%' }), [], 'LIKE wildcards are taken literally');
      t.same(await all({ q: 'C_-0' }), [], 'LIKE wildcards are taken literally (_)');
      t.same(await all({ status: 'Faulted' }), ['CS-01', 'CS-03'], 'any connector in that status');
      t.same(await all({ status: 'Available', vendor: 'abb' }), ['CS-01', 'CS-04']);
      t.same(await all({ ids: { only: ['CS-02', 'CS-09', 'OT-1', 'nope'] } }), ['CS-02', 'CS-09'], 'only these ids (online), of this tenant');
      t.same(await all({ ids: { except: ['CS-02', 'CS-09'] }, q: 'cs-0' }), ['CS-00', 'CS-01', 'CS-03', 'CS-04', 'CS-05', 'CS-07', 'CS-08'], 'all but these (offline)');
      t.same(await all({ ids: { only: [] } }), [], 'nobody online');
      t.same(await all({ ids: { except: [] }, vendor: 'delta' }), ['CS-09']);
      t.same((await store.stations.searchStations('other', { limit: 10, status: 'Faulted' })).items.map((s) => s.id), ['OT-1']);

      const first = await store.stations.searchStations('acme', { limit: 2, sort: 'model' });
      await t.rejects(store.stations.searchStations('acme', { limit: 2, sort: 'vendor', cursor: first.nextCursor }), { name: 'InvalidCursorError' }, 'a cursor of another sort is refused');
      await t.rejects(store.stations.searchStations('acme', { limit: 2, cursor: 'bogus' }), { name: 'InvalidCursorError' });
    });

    t.test('deleteStation removes the station and its connector statuses, within its tenant only', async (t) => {
      const store = await fresh(t);
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: null });
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-2', passwordHash: null });
      await store.stations.recordConnectorStatus(status('acme', 'CS-1', 1, 1));
      await store.stations.recordConnectorStatus(status('acme', 'CS-2', 1, 1));

      t.equal(await store.stations.deleteStation('other', 'CS-1'), false, 'wrong tenant');
      t.ok(await store.stations.getStation('acme', 'CS-1'), 'still there');
      t.equal((await store.stations.listConnectorStatuses('acme', 'CS-1')).length, 1, 'its statuses too');

      t.equal(await store.stations.deleteStation('acme', 'CS-1'), true);
      t.equal(await store.stations.getStation('acme', 'CS-1'), undefined);
      t.equal(await store.stations.findStationLogin('CS-1'), undefined);
      t.same(await store.stations.listConnectorStatuses('acme', 'CS-1'), []);
      t.equal((await store.stations.listConnectorStatuses('acme', 'CS-2')).length, 1, 'other stations keep theirs');
      t.equal(await store.stations.deleteStation('acme', 'CS-1'), false, 'already gone');

      t.equal(await store.stations.createStation({ tenantId: 'other', id: 'CS-1', passwordHash: null }), true, 'the id is free again');
      t.same(await store.stations.listConnectorStatuses('other', 'CS-1'), [], 'a reused id starts clean');
    });

    t.test('setBootPolicy: registration status and heartbeat interval per station, within its tenant', async (t) => {
      const store = await fresh(t);
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: null });
      t.match(await store.stations.getStation('acme', 'CS-1'), { registrationStatus: 'Accepted', heartbeatIntervalSec: null }, 'defaults');
      t.same(await store.stations.setBootPolicy('acme', 'CS-1', { registrationStatus: 'Pending', heartbeatIntervalSec: 60 }), { registrationStatus: 'Pending', heartbeatIntervalSec: 60 });
      t.same(await store.stations.setBootPolicy('acme', 'CS-1', { heartbeatIntervalSec: 120 }), { registrationStatus: 'Pending', heartbeatIntervalSec: 120 }, 'a field left out keeps its value');
      t.same(await store.stations.setBootPolicy('acme', 'CS-1', { registrationStatus: 'Rejected' }), { registrationStatus: 'Rejected', heartbeatIntervalSec: 120 });
      t.same(await store.stations.setBootPolicy('acme', 'CS-1', { heartbeatIntervalSec: null }), { registrationStatus: 'Rejected', heartbeatIntervalSec: null }, 'null: back to the default');
      t.equal(await store.stations.setBootPolicy('other', 'CS-1', { registrationStatus: 'Accepted' }), undefined, 'another tenant');
      t.equal(await store.stations.setBootPolicy('acme', 'NOPE', { registrationStatus: 'Accepted' }), undefined, 'unknown station');
      await store.stations.recordBoot('acme', 'CS-1', boot());
      t.match(await store.stations.getStation('acme', 'CS-1'), { registrationStatus: 'Rejected', heartbeatIntervalSec: null }, 'a boot keeps the policy');
      t.match((await store.stations.listStations('acme', { limit: 10 })).items, [{ id: 'CS-1', registrationStatus: 'Rejected' }]);
    });

    t.test('security profile and password rotation per station, within its tenant (issue #14)', async (t) => {
      const store = await fresh(t);
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: 'h1' });
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-3', passwordHash: null, securityProfile: 3 });
      t.match(await store.stations.getStation('acme', 'CS-1'), { securityProfile: 1, previousPasswordPending: false, passwordRotatedAt: null }, 'defaults');
      t.match(await store.stations.findStationLogin('CS-3'), { securityProfile: 3, passwordHash: null }, 'registered at profile 3');

      t.equal(await store.stations.setSecurityProfile('acme', 'CS-1', 2), true);
      t.equal(await store.stations.setSecurityProfile('other', 'CS-1', 3), false, 'another tenant changes nothing');
      t.equal(await store.stations.setSecurityProfile('acme', 'NOPE', 3), false, 'unknown station');
      t.match(await store.stations.findStationLogin('CS-1'), { securityProfile: 2 });

      const at = '2026-04-01T10:00:00.000Z';
      t.equal(await store.stations.setPassword('acme', 'CS-1', 'h2', { keepPrevious: true, at }), true, 'a rotation');
      t.same(await store.stations.findStationLogin('CS-1'), { tenantId: 'acme', id: 'CS-1', passwordHash: 'h2', securityProfile: 2, previousPasswordHash: 'h1' });
      t.match(await store.stations.getStation('acme', 'CS-1'), { previousPasswordPending: true, passwordRotatedAt: at, securityProfile: 2 });
      t.equal(await store.stations.setPassword('other', 'CS-1', 'hX', { keepPrevious: true, at }), false, 'another tenant');

      await store.stations.confirmPassword('CS-1', 'h1');
      t.match(await store.stations.findStationLogin('CS-1'), { passwordHash: 'h2', previousPasswordHash: 'h1' }, 'a login with the old hash confirms nothing');
      await store.stations.confirmPassword('CS-1', 'h2');
      t.match(await store.stations.findStationLogin('CS-1'), { passwordHash: 'h2', previousPasswordHash: null }, 'the first login with the new one ends the old');
      t.match(await store.stations.getStation('acme', 'CS-1'), { previousPasswordPending: false, passwordRotatedAt: at });

      t.equal(await store.stations.setPassword('acme', 'CS-1', 'h3', { keepPrevious: true, at }), true);
      t.equal(await store.stations.setPassword('acme', 'CS-1', 'h2', { keepPrevious: false, at }), true, 'a revert');
      t.match(await store.stations.findStationLogin('CS-1'), { passwordHash: 'h2', previousPasswordHash: null });
      await store.stations.recordBoot('acme', 'CS-1', boot());
      t.match(await store.stations.getStation('acme', 'CS-1'), { securityProfile: 2, passwordHash: 'h2' }, 'a boot keeps both');
    });

    t.test('deleteStation removes its station events, device model and requests too (issue #12)', async (t) => {
      const store = await fresh(t);
      const at = '2026-03-01T00:00:00.000Z';
      for (const id of ['CS-1', 'CS-2']) {
        await store.stations.createStation({ tenantId: 'acme', id, passwordHash: null });
        await store.stationEvents.record([{ tenantId: 'acme', stationId: id, kind: 'security-event', type: 'SettingSystemTime', at, receivedAt: at, requestId: null, payload: {} }]);
        await store.deviceModel.recordActualValues('acme', id, [{ component: { name: 'OCPP16' }, variable: { name: 'HeartbeatInterval' }, value: '300', at }]);
        await store.requests.create({ tenantId: 'acme', stationId: id, action: 'GetLog', at });
      }
      const kept = async (id: string) => ({
        events: (await store.stationEvents.list('acme', id, { limit: 10 })).items.length,
        model: (await store.deviceModel.listDeviceModel('acme', id, { limit: 10 })).items.length,
        requests: (await store.requests.list('acme', id, { limit: 10 })).items.length,
      });
      t.same(await kept('CS-1'), { events: 1, model: 1, requests: 1 });
      t.equal(await store.stations.deleteStation('other', 'CS-1'), false);
      t.same(await kept('CS-1'), { events: 1, model: 1, requests: 1 }, 'another tenant deletes nothing');
      t.equal(await store.stations.deleteStation('acme', 'CS-1'), true);
      t.same(await kept('CS-1'), { events: 0, model: 0, requests: 0 }, 'all gone with the station');
      t.same(await kept('CS-2'), { events: 1, model: 1, requests: 1 }, 'other stations keep theirs');
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: null });
      t.same(await kept('CS-1'), { events: 0, model: 0, requests: 0 }, 'a re-registered id starts clean');
    });

    t.test('fleetSummary: stations registered and connectors by last status, per tenant (the dashboard)', async (t) => {
      const store = await fresh(t);
      t.same(await store.stations.fleetSummary('acme'), { stations: 0, connectorsByStatus: {} }, 'an empty tenant');
      for (const [id, tenantId] of [['FS-1', 'acme'], ['FS-2', 'acme'], ['FS-3', 'acme'], ['FS-G', 'globex']] as const) {
        await store.stations.createStation({ id, tenantId, passwordHash: null });
      }
      await store.stations.recordConnectorStatus(status('acme', 'FS-1', 1, 1, 'Available'));
      await store.stations.recordConnectorStatus(status('acme', 'FS-1', 2, 1, 'Occupied'));
      await store.stations.recordConnectorStatus(status('acme', 'FS-2', 1, 1, 'Available'));
      await store.stations.recordConnectorStatus({ ...status('acme', 'FS-2', 1, 1, 'Faulted'), reportedAt: '2025-01-02T03:06:00.000Z' });
      await store.stations.recordConnectorStatus(status('globex', 'FS-G', 1, 1, 'Occupied'));
      t.same(await store.stations.fleetSummary('acme'), { stations: 3, connectorsByStatus: { Available: 1, Occupied: 1, Faulted: 1 } }, 'a connector counts once, by its last status');
      t.same(await store.stations.fleetSummary('globex'), { stations: 1, connectorsByStatus: { Occupied: 1 } });
    });

    t.test('deleteStation leaves nothing of the station behind but its transactions (issues #12, #14)', async (t) => {
      const store = await fresh(t);
      const at = '2026-03-01T00:00:00.000Z';
      const txIds = new Map<string, string>();
      for (const id of ['CS-1', 'CS-2']) {
        await store.stations.createStation({ tenantId: 'acme', id, passwordHash: null });
        await store.stations.recordConnectorStatus({ ...status('acme', id, 1, 1, 'Faulted'), reportedAt: at });
        await store.stationEvents.record([{
          tenantId: 'acme', stationId: id, kind: 'alert', type: 'GroundFailure', at, receivedAt: at, requestId: null,
          payload: { source: 'connector-status', evseId: 1, connectorId: 1, cleared: false },
        }]);
        await store.chargingProfiles.put({
          tenantId: 'acme', stationId: id, evseId: 0, source: 'csms', updatedAt: at,
          profile: { id: 1, stackLevel: 0, purpose: 'TxDefault', kind: 'Absolute', schedules: [{ id: 0, unit: 'A', periods: [{ startPeriod: 0, limit: 16 }] }] },
        });
        await store.displayMessages.put([{ tenantId: 'acme', stationId: id, source: 'csms', updatedAt: at, message: { id: 1, priority: 'NormalCycle', format: 'UTF8', content: 'hi' } }]);
        await store.tokens.applyLocalList('acme', id, { updateType: 'Full', version: 3, entries: [{ idToken: 'T1', status: 'Accepted' }] } as never);
        await store.reservations.create({
          tenantId: 'acme', reservationId: id === 'CS-1' ? 1 : 2, stationId: id, evseId: 1, idToken: { idToken: 'R', type: 'ISO14443' },
          expiresAt: '2026-03-01T10:00:00.000Z', createdAt: at,
        });
        await store.uploads.create({ tokenHash: `h-${id}`, tenantId: 'acme', stationId: id, requestId: 1, action: 'GetLog', expiresAt: '2026-03-02T00:00:00.000Z', createdAt: at });
        await store.certificates.put(newCertificateRecord({
          tenantId: 'acme', stationId: id, certificateType: 'ChargingStationCertificate', source: 'signed', notAfter: '2027-03-01T00:00:00.000Z', subject: `CN=${id}`, at,
          hashData: { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '0A' },
        }));
        txIds.set(id, (await store.transactions.startTransaction16('acme', id, { connectorId: 1, idTag: 'A', meterStart: 0, timestamp: at })).transaction.id);
      }
      const kept = async (id: string) => ({
        history: (await store.stations.listConnectorStatusHistory('acme', id, { from: at, to: '2027-01-01T00:00:00.000Z', limit: 10 })).length,
        alerts: (await store.stationEvents.listAlertStates('acme', { stationId: id, limit: 10 })).items.length,
        profiles: (await store.chargingProfiles.list('acme', id)).length,
        messages: (await store.displayMessages.list('acme', { stationId: id })).length,
        localList: (await store.tokens.getLocalList('acme', id)) !== undefined,
        reservations: (await store.reservations.list('acme', { stationId: id, limit: 10 })).items.length,
        upload: (await store.uploads.findByToken(`h-${id}`)) !== undefined,
        certificates: (await store.certificates.list('acme', id)).length,
        transaction: (await store.transactions.getTransaction('acme', txIds.get(id)!, id)) !== undefined,
      });
      const all = { history: 1, alerts: 1, profiles: 1, messages: 1, localList: true, reservations: 1, upload: true, certificates: 1, transaction: true };
      t.same(await kept('CS-1'), all);
      t.equal(await store.stations.deleteStation('other', 'CS-1'), false);
      t.same(await kept('CS-1'), all, 'another tenant deletes nothing');
      t.equal(await store.stations.deleteStation('acme', 'CS-1'), true);
      t.same(
        await kept('CS-1'),
        { history: 0, alerts: 0, profiles: 0, messages: 0, localList: false, reservations: 0, upload: false, certificates: 0, transaction: true },
        'all gone with the station but its transactions (billing records)',
      );
      t.same(await kept('CS-2'), all, 'other stations keep theirs');
    });

    t.test('pruneConnectorStatusHistory deletes old history, keeping each connector\'s last change before the cutoff', async (t) => {
      const store = await fresh(t);
      const at = (h: number) => new Date(Date.UTC(2025, 0, 1, h)).toISOString();
      for (const id of ['CS-P', 'CS-Q']) await store.stations.createStation({ tenantId: id === 'CS-P' ? 'acme' : 'beta', id, passwordHash: null });
      const change = (tenantId: string, id: string, evseId: number, s: 'Available' | 'Occupied' | 'Faulted', h: number) =>
        store.stations.recordConnectorStatus({ ...status(tenantId, id, evseId, 1, s), reportedAt: at(h) });
      await change('acme', 'CS-P', 1, 'Available', 0);
      await change('acme', 'CS-P', 1, 'Occupied', 2);
      await change('acme', 'CS-P', 1, 'Faulted', 5);
      await change('acme', 'CS-P', 2, 'Available', 1);
      await change('acme', 'CS-P', 1, 'Available', 8);
      await change('beta', 'CS-Q', 1, 'Available', 0);
      await change('beta', 'CS-Q', 1, 'Occupied', 3);
      await change('beta', 'CS-Q', 1, 'Available', 7);
      const period = { from: at(6), to: at(24), limit: 100 };
      const before = await store.stations.listConnectorStatusHistory('acme', 'CS-P', period);
      t.equal(await store.stations.pruneConnectorStatusHistory(at(6), 1), 1, 'bounded by limit');
      t.equal(await store.stations.pruneConnectorStatusHistory(at(6), 100), 2, 'the rest: CS-P evse 1 at 0 and 2, CS-Q at 0');
      t.equal(await store.stations.pruneConnectorStatusHistory(at(6), 100), 0, 'nothing more');
      t.same(await store.stations.listConnectorStatusHistory('acme', 'CS-P', period), before, 'the retained period reads the same');
      t.same(
        (await store.stations.listConnectorStatusHistory('acme', 'CS-P', { from: at(0), to: at(24), limit: 100 })).map((h) => [h.evseId, h.status, h.reportedAt]),
        [[2, 'Available', at(1)], [1, 'Faulted', at(5)], [1, 'Available', at(8)]],
        'each connector keeps its last change before the cutoff, and everything after it',
      );
      t.same(
        (await store.stations.listConnectorStatusHistory('beta', 'CS-Q', { from: at(0), to: at(24), limit: 100 })).map((h) => h.reportedAt),
        [at(3), at(7)],
        'every tenant is pruned',
      );
    });

    t.test('recordBoot registers an unknown station and updates a known one', async (t) => {
      const store = await fresh(t);
      await store.stations.recordBoot('default', 'NEW-1', boot({ protocol: 'ocpp1.6', reason: undefined }));
      t.match(await store.stations.getStation('default', 'NEW-1'), {
        tenantId: 'default', id: 'NEW-1', passwordHash: null, vendor: 'VendorX', model: 'ModelY', serialNumber: 'SN-1',
        firmwareVersion: '1.0.0', iccid: 'ICCID', imsi: 'IMSI', protocol: 'ocpp1.6', bootReason: null, lastBootAt: BOOT_AT,
      });
      t.same(await store.stations.findStationLogin('NEW-1'), { tenantId: 'default', id: 'NEW-1', passwordHash: null, securityProfile: 1, previousPasswordHash: null });

      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: 'h1' });
      await store.stations.recordBoot('acme', 'CS-1', boot());
      const later = '2025-01-03T00:00:00.000Z';
      await store.stations.recordBoot('acme', 'CS-1', boot({ firmwareVersion: '2.0.0', serialNumber: undefined, reason: 'FirmwareUpdate', at: later, protocol: 'ocpp2.1' }));
      t.match(await store.stations.getStation('acme', 'CS-1'), {
        tenantId: 'acme', passwordHash: 'h1', firmwareVersion: '2.0.0', serialNumber: null, bootReason: 'FirmwareUpdate',
        protocol: 'ocpp2.1', lastBootAt: later,
      });
    });

    t.test('recordBoot never crosses tenants', async (t) => {
      const store = await fresh(t);
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: 'h1' });
      await store.stations.recordBoot('other', 'CS-1', boot({ vendor: 'Intruder' }));
      const station = await store.stations.getStation('acme', 'CS-1');
      t.equal(station!.vendor, null, 'the owner\'s record is untouched');
      t.equal(station!.passwordHash, 'h1');
      t.equal(await store.stations.getStation('other', 'CS-1'), undefined, 'no copy in the other tenant');
      t.same(await store.stations.findStationLogin('CS-1'), { tenantId: 'acme', id: 'CS-1', passwordHash: 'h1', securityProfile: 1, previousPasswordHash: null });
    });

    t.test('recordSeen updates lastSeenAt of a known station, within its tenant', async (t) => {
      const store = await fresh(t);
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: null });
      await store.stations.recordSeen('acme', 'CS-1', '2025-02-01T00:00:00.000Z');
      t.equal((await store.stations.getStation('acme', 'CS-1'))!.lastSeenAt, '2025-02-01T00:00:00.000Z');
      await store.stations.recordSeen('other', 'CS-1', '2025-02-02T00:00:00.000Z');
      t.equal((await store.stations.getStation('acme', 'CS-1'))!.lastSeenAt, '2025-02-01T00:00:00.000Z', 'wrong tenant: no effect');
      await store.stations.recordSeen('acme', 'GHOST', '2025-02-02T00:00:00.000Z');
      t.equal(await store.stations.getStation('acme', 'GHOST'), undefined, 'does not register stations');
    });

    t.test('connector statuses are upserted per EVSE and connector', async (t) => {
      const store = await fresh(t);
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: null });
      await store.stations.recordConnectorStatus(status('acme', 'CS-1', 2, 1, 'Available'));
      await store.stations.recordConnectorStatus(status('acme', 'CS-1', 1, 1, 'Available'));
      await store.stations.recordConnectorStatus(status('acme', 'CS-1', 0, 0, 'Available'));
      await store.stations.recordConnectorStatus({ ...status('acme', 'CS-1', 1, 1, 'Faulted'), info: 'ground', vendorErrorCode: 'E42', reportedAt: '2025-01-02T04:00:00.000Z' });
      const list = await store.stations.listConnectorStatuses('acme', 'CS-1');
      t.same(list.map((c) => [c.evseId, c.connectorId]), [[0, 0], [1, 1], [2, 1]], 'ordered by EVSE, connector');
      t.match(list[1], {
        tenantId: 'acme', stationId: 'CS-1', evseId: 1, connectorId: 1, status: 'Faulted', detailedStatus: null,
        errorCode: 'GroundFailure', info: 'ground', vendorErrorCode: 'E42', reportedAt: '2025-01-02T04:00:00.000Z',
      });
      t.ok(!Number.isNaN(Date.parse(list[1]!.updatedAt)), 'updatedAt is an ISO time');
      t.equal(list[2]!.status, 'Available');
      await store.stations.recordConnectorStatus(status('acme', 'CS-1', 2, 1, 'Occupied'));
      const after = await store.stations.listConnectorStatuses('acme', 'CS-1');
      t.equal(after.length, 3);
      t.match(after[2], { status: 'Occupied', detailedStatus: 'Charging' });
    });

    t.test('connector statuses are tenant-isolated', async (t) => {
      const store = await fresh(t);
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: null });
      await store.stations.recordConnectorStatus(status('acme', 'CS-1', 1, 1, 'Available'));
      // A write under the wrong tenant, before and after the owner's own writes.
      await store.stations.recordConnectorStatus(status('other', 'CS-1', 1, 1, 'Faulted'));
      await store.stations.recordConnectorStatus(status('other', 'CS-1', 2, 1, 'Faulted'));
      t.same(await store.stations.listConnectorStatuses('other', 'CS-1'), [], 'the other tenant sees nothing');
      const owner = await store.stations.listConnectorStatuses('acme', 'CS-1');
      t.same(owner.map((c) => [c.evseId, c.status]), [[1, 'Available']], 'the owner\'s statuses are untouched');
      await store.stations.recordConnectorStatus(status('acme', 'CS-1', 2, 1, 'Occupied'));
      t.same(
        (await store.stations.listConnectorStatuses('acme', 'CS-1')).map((c) => [c.evseId, c.status]),
        [[1, 'Available'], [2, 'Occupied']],
        'a stray write never blocks the owner\'s later writes',
      );
    });

    t.test('connector status history: every change kept, by period, with the status each connector had when it began', async (t) => {
      const store = await fresh(t);
      await store.stations.createStation({ tenantId: 'acme', id: 'CS-H', passwordHash: null });
      const at = (h: number) => new Date(Date.UTC(2025, 0, 1, h)).toISOString();
      const change = (evseId: number, s: 'Available' | 'Occupied' | 'Faulted', h: number) =>
        store.stations.recordConnectorStatus({ ...status('acme', 'CS-H', evseId, 1, s), reportedAt: at(h) });
      await change(1, 'Available', 0);
      await change(2, 'Available', 1);
      await change(1, 'Occupied', 2);
      await change(1, 'Faulted', 5);
      await change(2, 'Occupied', 6);
      await change(1, 'Available', 8);
      await store.stations.recordConnectorStatus({ ...status('other', 'CS-H', 1, 1, 'Faulted'), reportedAt: at(7) });
      const period = { from: at(3), to: at(8), limit: 100 };
      const history = await store.stations.listConnectorStatusHistory('acme', 'CS-H', period);
      t.same(
        history.map((h) => [h.evseId, h.status, h.reportedAt]),
        [[2, 'Available', at(1)], [1, 'Occupied', at(2)], [1, 'Faulted', at(5)], [2, 'Occupied', at(6)]],
        'each connector\'s last change before the period, then the period\'s changes; `to` exclusive; another tenant\'s write not kept',
      );
      t.match(history[2], { tenantId: 'acme', stationId: 'CS-H', connectorId: 1, errorCode: 'GroundFailure' });
      t.same(
        (await store.stations.listConnectorStatusHistory('acme', 'CS-H', { ...period, evseId: 1 })).map((h) => h.reportedAt),
        [at(2), at(5)],
        'one EVSE',
      );
      t.equal((await store.stations.listConnectorStatusHistory('acme', 'CS-H', { ...period, limit: 2 })).length, 2, 'bounded');
      t.same(await store.stations.listConnectorStatusHistory('other', 'CS-H', period), [], 'tenant-scoped');
      t.equal((await store.stations.listConnectorStatusHistory('acme', 'CS-H', { from: at(0), to: at(24), limit: 100 })).length, 6, 'all kept, not only the latest');
    });

    t.test('flush waits for accepted writes; reads see them', async (t) => {
      const store = await fresh(t);
      const writes = [
        store.stations.createStation({ tenantId: 'acme', id: 'F-1', passwordHash: null }),
        store.stations.recordBoot('acme', 'F-2', boot()),
        store.stations.recordSeen('acme', 'F-1', '2025-02-01T00:00:00.000Z'),
      ];
      await store.flush();
      t.ok(await store.stations.getStation('acme', 'F-1'));
      t.ok(await store.stations.getStation('acme', 'F-2'));
      await Promise.all(writes);
      await store.flush();
      t.pass('flush with nothing pending resolves');
    });

    const reopen = options.reopen;
    if (reopen) t.test('writes are durable across close and reopen', async (t) => {
      const store = await options.open();
      await store.stations.createStation({ tenantId: 'acme', id: 'D-1', passwordHash: 'h1' });
      await store.stations.recordBoot('acme', 'D-1', boot());
      await store.stations.recordConnectorStatus(status('acme', 'D-1', 1, 1, 'Occupied'));
      // Not awaited: close() itself must commit what was accepted before it.
      void store.stations.recordSeen('acme', 'D-1', '2025-02-01T00:00:00.000Z');
      await store.close();
      const again = await reopen!(store);
      t.teardown(() => again.close());
      t.match(await again.stations.getStation('acme', 'D-1'), { passwordHash: 'h1', vendor: 'VendorX', lastSeenAt: '2025-02-01T00:00:00.000Z' });
      t.equal((await again.stations.listConnectorStatuses('acme', 'D-1')).length, 1);
      t.equal(await again.stations.createStation({ tenantId: 'acme', id: 'D-1', passwordHash: null }), false);
    });
  });
}
