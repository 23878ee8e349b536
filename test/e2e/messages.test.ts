import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { RawStation, VERSIONS, bootPayload, connectStrict, rpcErrorCode, type Version } from '../helpers/ocpp-clients.js';

// Station-initiated messages end to end: what gets stored, and every CALLERROR path with the
// exact per-version error code (1.6 errata spellings vs 2.0.1/2.1 spellings).

const PASSWORD = 'message-test-pw-x';

/** The wire spelling of each error kind per version. */
function code(version: Version, kind: 'framework' | 'messageType' | 'format' | 'occurrence'): string {
  const v16 = version === 'ocpp1.6';
  switch (kind) {
    case 'framework':
      return v16 ? 'FormationViolation' : 'RpcFrameworkError';
    case 'messageType':
      return v16 ? 'FormationViolation' : 'MessageTypeNotSupported';
    case 'format':
      return v16 ? 'FormationViolation' : 'FormatViolation';
    case 'occurrence':
      return v16 ? 'OccurrenceConstraintViolation' : 'OccurenceConstraintViolation';
  }
}

t.test('station-initiated messages', async (t) => {
  const server = await startServer(t, { env: { CSMS_HEARTBEAT_INTERVAL: '123' } });
  for (const version of VERSIONS) {
    await server.registerStation(`MSG-${version}`, PASSWORD);
    await server.registerStation(`ERR-${version}`, PASSWORD);
  }

  for (const version of VERSIONS) {
    t.test(`${version}: BootNotification, Heartbeat, StatusNotification are stored and visible`, async (t) => {
      const id = `MSG-${version}`;
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      const before = new Date().toISOString();
      const boot = (await client.call(
        'BootNotification',
        bootPayload(version, { vendor: 'Volta', model: `M-${version}`, serialNumber: 'SN-42', firmwareVersion: '1.2.3' }),
      )) as { status: string; interval: number; currentTime: string };
      t.equal(boot.status, 'Accepted');
      t.equal(boot.interval, 123, 'interval is CSMS_HEARTBEAT_INTERVAL');
      t.ok(boot.currentTime >= before.slice(0, 19), 'currentTime is now');

      const beat = (await client.call('Heartbeat', {})) as { currentTime: string };
      t.ok(Date.parse(beat.currentTime) > 0, 'Heartbeat answers currentTime');

      const expectedConnectors =
        version === 'ocpp1.6'
          ? [
              { evseId: 0, connectorId: 0, status: 'Available', detailedStatus: 'Available', errorCode: 'NoError' },
              { evseId: 1, connectorId: 1, status: 'Occupied', detailedStatus: 'Charging', errorCode: 'NoError' },
              { evseId: 2, connectorId: 1, status: 'Faulted', detailedStatus: 'Faulted', errorCode: 'GroundFailure' },
            ]
          : [
              { evseId: 1, connectorId: 1, status: 'Available' },
              { evseId: 1, connectorId: 2, status: 'Occupied' },
              { evseId: 2, connectorId: 1, status: 'Unavailable' },
            ];
      if (version === 'ocpp1.6') {
        t.same(await client.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' }), {});
        t.same(await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: new Date().toISOString() }), {});
        t.same(await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: new Date().toISOString() }), {}, 'a later status replaces the earlier one');
        t.same(await client.call('StatusNotification', { connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted', vendorErrorCode: 'E7' }), {});
      } else {
        for (const c of expectedConnectors) {
          t.same(await client.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: c.status, evseId: c.evseId, connectorId: c.connectorId }), {});
        }
      }

      // Status is last-write-wins and answered at the gateway: stored in order within CSMS_ASYNC_FLUSH_MS, not before the answer.
      const one = await eventually(async () => {
        const r = await server.apiJson('GET', `/stations/${id}`);
        return r.status === 200 && (r.body.connectors as unknown[]).length === expectedConnectors.length && r;
      }, 10_000, 'connector statuses stored');
      t.equal(one.status, 200);
      t.match(one.body, {
        id,
        connected: true,
        protocol: version,
        vendor: 'Volta',
        model: `M-${version}`,
        serialNumber: 'SN-42',
        firmwareVersion: '1.2.3',
        hasPassword: true,
      });
      t.ok(one.body.lastBootAt && one.body.lastBootAt >= before, 'lastBootAt recorded');
      t.ok(one.body.lastSeenAt && one.body.lastSeenAt >= one.body.lastBootAt, 'lastSeenAt updated by Heartbeat');
      if (version !== 'ocpp1.6') t.equal(one.body.bootReason, 'PowerUp');
      const connectors = [...(one.body.connectors as Array<Record<string, unknown>>)].sort(
        (a, b) => Number(a.evseId) - Number(b.evseId) || Number(a.connectorId) - Number(b.connectorId),
      );
      t.equal(connectors.length, expectedConnectors.length, 'one row per EVSE/connector');
      t.match(connectors, expectedConnectors);
      if (version === 'ocpp1.6') t.equal(connectors[2]!.vendorErrorCode, 'E7');

      const list = await server.apiJson('GET', '/stations?limit=1000');
      t.equal(list.status, 200);
      const listed = (list.body.items as Array<Record<string, unknown>>).find((s) => s.id === id);
      t.match(listed, { id, connected: true, protocol: version, vendor: 'Volta' }, 'listed by GET /stations');

      await client.close();
    });

    t.test(`${version}: every CALLERROR path answers with the exact code`, async (t) => {
      const station = await RawStation.open(t, server.ocppUrl, `ERR-${version}`, { protocols: [version], password: PASSWORD });
      t.equal(station.protocol, version);

      const expectError = async (what: string, frame: string | Buffer, id: string, errorCode: string) => {
        station.send(frame);
        const answer = await station.nextFrame();
        t.equal(answer[0], 4, `${what}: CALLERROR`);
        t.equal(answer[1], id, `${what}: message id ${id}`);
        t.equal(answer[2], errorCode, `${what}: ${errorCode}`);
        t.type(answer[3], 'string', `${what}: description`);
        t.ok(answer[4] && typeof answer[4] === 'object' && !Array.isArray(answer[4]), `${what}: details object`);
        t.equal(answer.length, 5, `${what}: 5 elements`);
      };

      // Unreadable frames: answered with id '-1'.
      await expectError('not JSON', '[2, "x1", "Heartbeat", {', '-1', code(version, 'framework'));
      await expectError('garbage bytes', Buffer.from([0x00, 0xff, 0x13, 0x37]).toString('latin1'), '-1', code(version, 'framework'));
      await expectError('JSON object', '{"messageTypeId":2}', '-1', code(version, 'framework'));
      await expectError('too short', '[2]', '-1', code(version, 'framework'));
      await expectError('numeric id', '[2, 17, "Heartbeat", {}]', '-1', code(version, 'framework'));
      await expectError('id longer than 36', JSON.stringify([2, 'x'.repeat(37), 'Heartbeat', {}]), '-1', code(version, 'framework'));
      // Readable id, bad structure.
      await expectError('CALL without payload', '[2, "short-1", "Heartbeat"]', 'short-1', code(version, 'framework'));
      await expectError('payload not an object', '[2, "arr-1", "Heartbeat", []]', 'arr-1', code(version, 'format'));
      // Message types.
      await expectError('message type 9', '[9, "t9", "Heartbeat", {}]', 't9', code(version, 'messageType'));
      await expectError('message type "2"', '["2", "ts", "Heartbeat", {}]', 'ts', code(version, 'messageType'));
      if (version !== 'ocpp2.1') {
        await expectError('SEND (2.1 only)', '[6, "t6", "Heartbeat", {}]', 't6', code(version, 'messageType'));
      } else {
        // SEND is fire-and-forget in 2.1: no answer, not even for an unknown action.
        station.send('[6, "s1", "NoSuchAction", {}]');
        station.send('[2, "after-send", "Heartbeat", {}]');
        const next = await station.nextFrame();
        t.same(next.slice(0, 2), [3, 'after-send'], 'SEND got no answer; the next CALL did');
      }

      // Actions.
      await expectError('unknown action', '[2, "na-1", "MakeCoffee", {}]', 'na-1', 'NotImplemented');
      await expectError('action of another version', JSON.stringify([2, 'na-2', version === 'ocpp1.6' ? 'TransactionEvent' : 'StartTransaction', {}]), 'na-2', 'NotImplemented');
      // Every 1.6/2.0.1 station message is answered (issue #12); SignCertificate since issue #14: an unreadable CSR is Rejected.
      const sign = await station.call('ns-1', 'SignCertificate', { csr: 'x' });
      t.same(sign.slice(0, 2), [3, 'ns-1'], 'SignCertificate answered');
      t.match(sign[2], { status: 'Rejected' }, 'an unreadable CSR is Rejected');

      // Schema violations.
      const boot = bootPayload(version) as Record<string, any>;
      const missing = version === 'ocpp1.6' ? { chargePointVendor: 'ACME' } : { reason: 'PowerUp', chargingStation: { vendorName: 'ACME' } };
      await expectError('required field missing', JSON.stringify([2, 'oc-1', 'BootNotification', missing]), 'oc-1', code(version, 'occurrence'));
      await expectError('empty payload', JSON.stringify([2, 'oc-2', 'BootNotification', {}]), 'oc-2', code(version, 'occurrence'));
      const wrongType = version === 'ocpp1.6' ? { ...boot, chargePointVendor: 42 } : { ...boot, chargingStation: { ...boot.chargingStation, vendorName: 42 } };
      await expectError('wrong type', JSON.stringify([2, 'ty-1', 'BootNotification', wrongType]), 'ty-1', 'TypeConstraintViolation');
      await expectError('connectorId as string', JSON.stringify([2, 'ty-2', 'StatusNotification', version === 'ocpp1.6' ? { connectorId: '1', errorCode: 'NoError', status: 'Available' } : { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: '1' }]), 'ty-2', 'TypeConstraintViolation');
      const tooLong = version === 'ocpp1.6' ? { ...boot, chargePointVendor: 'V'.repeat(21) } : { ...boot, chargingStation: { ...boot.chargingStation, vendorName: 'V'.repeat(51) } };
      await expectError('string too long', JSON.stringify([2, 'pr-1', 'BootNotification', tooLong]), 'pr-1', 'PropertyConstraintViolation');
      const badEnum = version === 'ocpp1.6' ? { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' } : { timestamp: new Date().toISOString(), connectorStatus: 'Sleeping', evseId: 1, connectorId: 1 };
      await expectError('value outside enum', JSON.stringify([2, 'pr-2', 'StatusNotification', badEnum]), 'pr-2', 'PropertyConstraintViolation');
      const badDate = version === 'ocpp1.6' ? { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: 'yesterday' } : { timestamp: 'yesterday', connectorStatus: 'Available', evseId: 1, connectorId: 1 };
      await expectError('bad date-time', JSON.stringify([2, 'pr-3', 'StatusNotification', badDate]), 'pr-3', 'PropertyConstraintViolation');
      await expectError('unknown field', JSON.stringify([2, 'fv-1', 'BootNotification', { ...boot, colour: 'red' }]), 'fv-1', code(version, 'format'));
      await expectError('unknown field on Heartbeat', JSON.stringify([2, 'fv-2', 'Heartbeat', { extra: true }]), 'fv-2', code(version, 'format'));
      // 1e400 parses to Infinity: no JSON number a station may send, in a number or an integer field.
      const nonFinite = version === 'ocpp1.6'
        ? '[2, "nf-1", "StartTransaction", {"connectorId": 1, "idTag": "NF", "meterStart": 1e400, "timestamp": "2026-01-01T00:00:00Z"}]'
        : '[2, "nf-1", "MeterValues", {"evseId": 1, "meterValue": [{"timestamp": "2026-01-01T00:00:00Z", "sampledValue": [{"value": 1e400}]}]}]';
      await expectError('non-finite number', nonFinite, 'nf-1', code(version, 'format'));
      await expectError('negative non-finite integer', '[2, "nf-2", "StatusNotification", ' + (version === 'ocpp1.6'
        ? '{"connectorId": -1e400, "errorCode": "NoError", "status": "Available"}]'
        : '{"timestamp": "2026-01-01T00:00:00Z", "connectorStatus": "Available", "evseId": -1e400, "connectorId": 1}]'), 'nf-2', code(version, 'format'));

      // The same id twice while the first is still in flight: the second is refused, the first answered.
      const dup = JSON.stringify([2, 'dup-1', 'BootNotification', boot]);
      station.sendTogether([dup, dup]);
      const answers = [await station.nextFrame(), await station.nextFrame()];
      const result = answers.find((a) => a[0] === 3);
      const error = answers.find((a) => a[0] === 4);
      t.ok(result, 'the first CALL is answered with a CALLRESULT');
      t.equal(result?.[1], 'dup-1');
      t.ok(error, 'the duplicate is answered with a CALLERROR');
      t.equal(error?.[1], 'dup-1');
      t.equal(error?.[2], code(version, 'framework'), 'duplicate id code');
      // Once answered, the id may be used again.
      t.same((await station.call('dup-1', 'Heartbeat', {})).slice(0, 2), [3, 'dup-1'], 'id reusable after its answer');

      // Answers to calls the CSMS never made are ignored, not answered.
      station.send('[3, "never-sent", {}]');
      station.send('[4, "never-sent", "GenericError", "", {}]');
      // Through all of this the connection stayed usable.
      const beat = await station.call('ok-1', 'Heartbeat', {});
      t.equal(beat[0], 3, 'still answering after every error');
      t.type((beat[2] as { currentTime?: unknown }).currentTime, 'string');
    });

    t.test(`${version}: the strict client sees the same codes`, async (t) => {
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: `ERR-${version}`, password: PASSWORD, version });
      t.match(await client.call('SignCertificate', { csr: 'x' }), { status: 'Rejected' }, 'an unreadable CSR is Rejected');
      t.same(await client.call('DataTransfer', { vendorId: 'com.example' }), { status: 'UnknownVendorId' }, 'DataTransfer: no vendor handler registered');
      t.same(await client.call('FirmwareStatusNotification', { status: 'Idle' }), {});
      await client.close();
    });
  }
});
