import t from 'tap';
import { InboundDispatcher } from '../../actors/inbound-dispatcher.js';
import type { HandlerStore } from '../../actors/handler-context.js';
import type { StationMessage } from '../../core/envelope.js';
import type { OcppVersion } from '../../core/protocols.js';
import { bootPayload } from '../helpers/ocpp-clients.js';
import { makeActor } from '../helpers/actor-fakes.js';

// Issue #11: the lines an operator reads: boots (with vendor, model, firmware, status) and
// CALLERRORs either way (with the action and code), the latter bounded per station.

t.test('a BootNotification logs vendor, model, firmware and status, for every version', async (t) => {
  for (const version of ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] as OcppVersion[]) {
    const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const dispatcher = new InboundDispatcher({
      store: { stations: { recordBoot: async () => {}, getStation: async () => undefined } } as unknown as HandlerStore,
      events: { emit: () => {} },
      lastSeen: { mark: () => {} },
      clock: () => new Date('2025-03-01T12:00:00Z'),
      settings: { heartbeatIntervalSec: 300 },
      onInternalError: (error) => t.fail(String(error)),
      log: { info: (fields, message) => lines.push({ fields, message }) },
    });
    const payload = bootPayload(version, { vendor: 'ACME', model: 'Roadrunner', firmwareVersion: '1.2.3' });
    const message: StationMessage = {
      v: 1, tenantId: 'acme', stationId: 'CP-1', protocol: version, messageId: 'b1', action: 'BootNotification',
      messageType: 2, frame: JSON.stringify([2, 'b1', 'BootNotification', payload]), receivedAt: new Date().toISOString(),
    };
    t.match(await dispatcher.handle(message), { status: 'result', payload: { status: 'Accepted' } });
    t.match(lines, [
      {
        message: 'station booted',
        fields: { stationId: 'CP-1', tenantId: 'acme', protocol: version, vendor: 'ACME', model: 'Roadrunner', firmwareVersion: '1.2.3', status: 'Accepted' },
      },
    ], version);
  }
});

t.test('CALLERRORs sent are logged with action and code', async (t) => {
  const { actor, logs, transport } = makeActor('ocpp2.0.1');
  actor.receive(JSON.stringify([2, 'c1', 'MakeCoffee', {}]));
  actor.receive(JSON.stringify([2, 'c2', 'Heartbeat', { bogus: true }]));
  await transport.frame(1);
  t.match(logs.filter((l) => l.level === 'info'), [
    { message: 'CALLERROR sent', fields: { stationId: 'CS-1', tenantId: 'tenant-a', action: 'MakeCoffee', code: 'NotImplemented', id: 'c1' } },
    { message: 'CALLERROR sent', fields: { action: 'Heartbeat', code: /Violation/, id: 'c2' } },
  ]);
});

t.test('CALLERRORs received are logged with the action of our call and the station’s code', async (t) => {
  const { actor, logs, transport } = makeActor('ocpp1.6');
  const reply = actor.call('ClearCache', {});
  const [, id] = await transport.frame(0);
  actor.receive(JSON.stringify([4, id, 'NotSupported', 'no cache here', {}]));
  t.match(await reply, { status: 'callerror', code: 'NotSupported' });
  t.match(logs.filter((l) => l.level === 'info'), [
    { message: 'CALLERROR received', fields: { stationId: 'CS-1', action: 'ClearCache', code: 'NotSupported', description: 'no cache here' } },
  ]);
});

t.test('a station spraying garbage gets at most 20 CALLERROR lines per 10 s', async (t) => {
  const { actor, logs, transport } = makeActor('ocpp2.0.1');
  for (let i = 0; i < 50; i++) actor.receive('not json');
  t.equal(transport.sent.length, 50, 'every one is still answered');
  t.equal(logs.filter((l) => l.message === 'CALLERROR sent').length, 20);
});
