import t from 'tap';
import fc from 'fast-check';
import { CONNECTOR_STATUSES, connectorAvailability, isUp, type StatusChange } from '../../core/availability.js';
import type { ConnectorStatus } from '../../core/types.js';

const at = (h: number) => new Date(Date.UTC(2026, 0, 1) + h * 3_600_000).toISOString();
const change = (evseId: number, status: ConnectorStatus, h: number, connectorId = 1): StatusChange => ({ evseId, connectorId, status, reportedAt: at(h) });

t.test('hand-computed: a day with a fault, the status before the period counts from its start', async (t) => {
  // Connector 1: Available since before the period, Occupied 2–5, Faulted 5–8, Available 8–24 → 21 h up, 3 h down.
  // Connector 2: first known at 12 (Unavailable) → 12 h unknown, 12 h down.
  const rows = connectorAvailability(
    [change(1, 'Available', -5), change(1, 'Occupied', 2), change(1, 'Faulted', 5), change(1, 'Available', 8), change(2, 'Unavailable', 12), change(1, 'Faulted', 30)],
    at(0),
    at(24),
  );
  t.same(rows, [
    { evseId: 1, connectorId: 1, seconds: { Available: 18 * 3600, Occupied: 3 * 3600, Reserved: 0, Unavailable: 0, Faulted: 3 * 3600 }, upSec: 21 * 3600, downSec: 3 * 3600, unknownSec: 0, uptimePct: 87.5 },
    { evseId: 2, connectorId: 1, seconds: { Available: 0, Occupied: 0, Reserved: 0, Unavailable: 12 * 3600, Faulted: 0 }, upSec: 0, downSec: 12 * 3600, unknownSec: 12 * 3600, uptimePct: 0 },
  ]);
  t.same(connectorAvailability([change(1, 'Faulted', 30)], at(0), at(24))[0]!.uptimePct, null, 'nothing known in the period: no percentage');
  t.same(connectorAvailability([], at(0), at(24)), []);
  t.ok(isUp('Reserved') && !isUp('Faulted'));
});

const arbChange = fc.record({
  evseId: fc.integer({ min: 0, max: 3 }),
  connectorId: fc.integer({ min: 1, max: 2 }),
  status: fc.constantFrom(...CONNECTOR_STATUSES),
  reportedAt: fc.integer({ min: -48, max: 72 }).map(at),
});

t.test('property: every second of the period is counted once, and the order of the input does not matter', async (t) => {
  fc.assert(
    fc.property(fc.array(arbChange, { maxLength: 40 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 48 }), (changes, start, length) => {
      const from = at(start);
      const to = at(start + length);
      const rows = connectorAvailability(changes, from, to);
      const reversed = connectorAvailability([...changes].reverse(), from, to);
      for (const r of rows) {
        const total = CONNECTOR_STATUSES.reduce((sum, s) => sum + r.seconds[s], 0) + r.unknownSec;
        if (Math.abs(total - length * 3600) > 1e-6) return false;
        if (Math.abs(r.upSec + r.downSec + r.unknownSec - length * 3600) > 1e-6) return false;
        if (r.uptimePct !== null && (r.uptimePct < 0 || r.uptimePct > 100)) return false;
      }
      // Same-time changes may keep either order; compare only where times are distinct.
      const distinct = new Set(changes.map((c) => `${c.evseId}/${c.connectorId}@${c.reportedAt}`)).size === changes.length;
      return !distinct || JSON.stringify(rows) === JSON.stringify(reversed);
    }),
  );
});
