import type { Test } from 'tap';
import { stationCall } from '../../core/envelope.js';
import type { StationCaller } from '../../core/ports/station-caller.js';
import type { StrictClient } from '../helpers/ocpp-clients.js';

/**
 * The contract every StationCaller passes (thread channel on one node, NATS across nodes):
 * every outcome comes back as a StationReply, never as an exception, in the same shape.
 */
export interface StationCallerFixture {
  caller: StationCaller;
  /** A strict ocpp-rpc station connected through the caller's node, in `tenantId`. */
  station: StrictClient;
  stationId: string;
  tenantId: string;
  version: 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';
}

export function stationCallerContract(t: Test, name: string, setup: (t: Test) => Promise<StationCallerFixture>): void {
  t.test(`${name}: station-caller contract`, async (t) => {
    const f = await setup(t);
    const clearCache = () => stationCall(f.tenantId, f.stationId, 'ClearCache', {});

    f.station.handle('ClearCache', () => ({ status: 'Accepted' }));
    const ok = await f.caller.call(clearCache());
    t.match(ok, { v: 1, status: 'result', payload: { status: 'Accepted' } }, 'a CALLRESULT is a result reply');

    f.station.handle('ClearCache', () => {
      throw Object.assign(new Error('nope'), { rpcErrorCode: 'InternalError' });
    });
    const refused = await f.caller.call(clearCache());
    t.match(refused, { v: 1, status: 'callerror', code: String, description: String }, 'a CALLERROR is a callerror reply');

    t.match(await f.caller.call(stationCall(f.tenantId, 'NO-SUCH-STATION', 'ClearCache', {})), { v: 1, status: 'failed', reason: 'disconnected' });
    t.match(
      await f.caller.call(stationCall('another-tenant', f.stationId, 'ClearCache', {})),
      { v: 1, status: 'failed', reason: 'disconnected' },
      'another tenant’s station looks exactly like an absent one',
    );
    t.match(await f.caller.call(stationCall(f.tenantId, f.stationId, 'MakeCoffee', {})), { v: 1, status: 'failed', reason: 'unknown-action' });
    t.match(
      await f.caller.call(stationCall(f.tenantId, f.stationId, 'Reset', { type: 'Sideways' })),
      { v: 1, status: 'failed', reason: 'invalid-request' },
      'an invalid payload never reaches the station',
    );

    f.station.handle('ClearCache', () => new Promise(() => {}));
    const slow = await f.caller.call(clearCache());
    t.match(slow, { v: 1, status: 'failed', reason: 'timeout' }, 'a silent station times out');

    await f.station.close({ force: true });
    let gone = await f.caller.call(clearCache());
    for (let i = 0; i < 300 && !(gone.status === 'failed' && gone.reason === 'disconnected'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      gone = await f.caller.call(clearCache());
    }
    t.match(gone, { v: 1, status: 'failed', reason: 'disconnected' }, 'a closed station is disconnected');
  });
}
