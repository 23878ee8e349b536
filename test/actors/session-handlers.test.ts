import t from 'tap';
import type { HandlerContext } from '../../actors/handler-context.js';
import { authorize as authorize16 } from '../../actors/actions/ocpp16/authorize.js';
import { meterValues as meterValues16 } from '../../actors/actions/ocpp16/meter-values.js';
import { startTransaction } from '../../actors/actions/ocpp16/start-transaction.js';
import { stopTransaction } from '../../actors/actions/ocpp16/stop-transaction.js';
import { authorize as authorize2 } from '../../actors/actions/ocpp2/authorize.js';
import { transactionEvent } from '../../actors/actions/ocpp2/transaction-event.js';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { OcppVersion } from '../../core/protocols.js';

// Session handlers against a real in-memory store: answers, stored effects, and bus events
// (published once per fact, never for a redelivery).

const NOW = new Date('2026-01-01T12:00:00.000Z');

function context(t: Tap.Test, version: OcppVersion, unknownTokens: 'reject' | 'accept-all' = 'reject') {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const events: Array<{ type: string; payload: Record<string, unknown> }> = [];
  const ctx: Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock' | 'settings'> = {
    session: { tenantId: 'ten', stationId: 'CS', version },
    store,
    events: { emit: (type, _session, payload) => events.push({ type, payload }) },
    clock: () => NOW,
    settings: { heartbeatIntervalSec: 60, unknownTokens },
  };
  return { ctx, store, events };
}

t.test('1.6 handlers', async (t) => {
  const { ctx, store, events } = context(t, 'ocpp1.6');
  await store.tokens.putIdToken({ tenantId: 'ten', idToken: 'OK', type: 'ISO14443', status: 'Accepted', expiresAt: '2027-01-01T00:00:00.000Z', groupId: 'FLEET', source: 'api' });
  t.same(await authorize16(ctx, { idTag: 'OK' }), { idTagInfo: { status: 'Accepted', expiryDate: '2027-01-01T00:00:00.000Z', parentIdTag: 'FLEET' } });
  t.same(await authorize16(ctx, { idTag: 'NO' }), { idTagInfo: { status: 'Invalid' } });
  t.equal(await store.tokens.findIdToken('ten', 'NO'), undefined, 'reject records nothing');
  const req = { connectorId: 1, idTag: 'NO', meterStart: 100, timestamp: '2026-01-01T10:00:00Z' };
  const start = await startTransaction(ctx, req);
  t.same(start.idTagInfo, { status: 'Invalid' }, 'stored anyway; the station stops it');
  t.same(await startTransaction(ctx, req), start);
  await meterValues16(ctx, { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: '2026-01-01T10:05:00Z', sampledValue: [{ value: '0.3', unit: 'kWh' }] }] });
  t.same(await stopTransaction(ctx, { transactionId: start.transactionId, meterStop: 500, timestamp: '2026-01-01T10:10:00Z', reason: 'DeAuthorized' }), {});
  t.same(await stopTransaction(ctx, { transactionId: start.transactionId, meterStop: 500, timestamp: '2026-01-01T10:10:00Z', reason: 'DeAuthorized' }), {});
  t.same(events.map((e) => e.type), [
    'authorization.requested', 'authorization.requested', 'authorization.requested', 'transaction.started', 'authorization.requested',
    'transaction.updated', 'meter.values', 'transaction.ended',
  ]);
  t.match(events.find((e) => e.type === 'transaction.ended')!.payload, { totalKwh: 0.4, stoppedReason: 'DeAuthorized', isActive: false });
  await meterValues16(ctx, { connectorId: 0, meterValue: [{ timestamp: '2026-01-01T10:05:00Z', sampledValue: [{ value: '231', measurand: 'Voltage', unit: 'V' }] }] });
  t.match(events.at(-1), { type: 'meter.values', payload: { transactionId: null, evseId: 0 } });
});

t.test('remote starts vouch for tokens the store does not know, not for blocked ones', async (t) => {
  const { ctx, store } = context(t, 'ocpp2.0.1');
  const at = new Date().toISOString();
  await store.tokens.putIdToken({ tenantId: 'ten', idToken: 'BLOCKED', type: 'Central', status: 'Blocked', expiresAt: null, groupId: null, source: 'api' });
  const rid = await store.transactions.recordRemoteStart({ tenantId: 'ten', stationId: 'CS', idToken: 'APP', evseId: 1, at });
  const ev = (txId: string, token: string, remoteStartId?: number) => ({
    eventType: 'Started' as const, timestamp: at, triggerReason: 'RemoteStart', seqNo: 0,
    transactionInfo: { transactionId: txId, ...(remoteStartId !== undefined ? { remoteStartId } : {}) }, idToken: { idToken: token, type: 'Central' },
  });
  t.same(await transactionEvent(ctx, ev('R1', 'APP', rid)), { idTokenInfo: { status: 'Accepted' } });
  t.same(await transactionEvent(ctx, ev('R1', 'APP', rid)), { idTokenInfo: { status: 'Accepted' } }, 'the same answer on a resend');
  t.same(await transactionEvent(ctx, ev('R2', 'APP', rid + 1000)), { idTokenInfo: { status: 'Unknown' } }, 'an id we never issued');
  t.same(await transactionEvent(ctx, ev('R3', 'BLOCKED', rid)), { idTokenInfo: { status: 'Blocked' } });
  t.equal(await store.tokens.findIdToken('ten', 'APP'), undefined, 'reject policy records nothing');

  const v16 = context(t, 'ocpp1.6');
  await v16.store.transactions.recordRemoteStart({ tenantId: 'ten', stationId: 'CS', idToken: 'APP16', evseId: 1, at });
  const start = await startTransaction(v16.ctx, { connectorId: 1, idTag: 'APP16', meterStart: 0, timestamp: at });
  t.same(start.idTagInfo, { status: 'Accepted' });
  const local = await startTransaction(v16.ctx, { connectorId: 1, idTag: 'APP16', meterStart: 1, timestamp: at });
  t.same(local.idTagInfo, { status: 'Invalid' }, 'the remote start was used up by the first start');
});

t.test('2.x handlers, accept-all', async (t) => {
  const { ctx, store, events } = context(t, 'ocpp2.0.1', 'accept-all');
  t.same(await authorize2(ctx, { idToken: { idToken: 'NEW', type: 'eMAID' } }), { idTokenInfo: { status: 'Accepted' } });
  t.match(await store.tokens.findIdToken('ten', 'NEW'), { type: 'eMAID', status: 'Accepted', source: 'auto' });
  const started = {
    eventType: 'Started' as const, timestamp: '2026-01-01T10:00:00Z', triggerReason: 'Authorized', seqNo: 0,
    transactionInfo: { transactionId: 'T1', chargingState: 'Charging' }, idToken: { idToken: 'NEW', type: 'eMAID' },
  };
  t.same(await transactionEvent(ctx, started), { idTokenInfo: { status: 'Accepted' } });
  t.same(await authorize2(ctx, { idToken: { idToken: '', type: 'NoAuthorization' } }), { idTokenInfo: { status: 'Accepted' } });
  t.equal(await store.tokens.findIdToken('ten', ''), undefined, 'nothing to record');
  const ended = { eventType: 'Ended' as const, timestamp: '2026-01-01T10:30:00Z', triggerReason: 'StopAuthorized', seqNo: 1, transactionInfo: { transactionId: 'T1', stoppedReason: 'Local' } };
  t.same(await transactionEvent(ctx, ended), {}, 'no idToken, no idTokenInfo');
  t.same(await transactionEvent(ctx, ended), {});
  const txEvents = events.filter((e) => e.type.startsWith('transaction.'));
  t.same(txEvents.map((e) => e.type), ['transaction.started', 'transaction.ended'], 'the resend published nothing');
  t.match(txEvents[1]!.payload, { transactionId: 'T1', timeSpentChargingSec: 1800, seqNo: 1, triggerReason: 'StopAuthorized', offline: false });
});
