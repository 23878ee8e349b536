import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { checkPayload, compileVersionSchemas } from '../../core/schemas.js';
import { MESSAGE_FORMATS, MESSAGE_PRIORITIES, MESSAGE_STATES, fromMessageInfo, nextMessageId, toMessageInfo, validateDisplayMessage, type DisplayMessage } from '../../core/display-messages.js';

const set201 = compileVersionSchemas('ocpp2.0.1').actions.get('SetDisplayMessage')!.request;
const set21 = compileVersionSchemas('ocpp2.1').actions.get('SetDisplayMessage')!.request;

const full: DisplayMessage = {
  id: 3,
  priority: 'InFront',
  state: 'Charging',
  startsAt: '2026-05-01T00:00:00.000Z',
  endsAt: '2026-05-02T00:00:00.000Z',
  transactionId: 'TX-1',
  format: 'UTF8',
  language: 'nl',
  content: 'Laden gestart',
  display: { name: 'DisplayPanel', instance: 'front', evseId: 1, connectorId: 2 },
};

t.test('MessageInfo mapping: schema-valid and round-trips', async (t) => {
  const wire = toMessageInfo(full);
  t.same(wire, {
    id: 3,
    priority: 'InFront',
    state: 'Charging',
    startDateTime: '2026-05-01T00:00:00.000Z',
    endDateTime: '2026-05-02T00:00:00.000Z',
    transactionId: 'TX-1',
    message: { format: 'UTF8', language: 'nl', content: 'Laden gestart' },
    display: { name: 'DisplayPanel', instance: 'front', evse: { id: 1, connectorId: 2 } },
  });
  t.equal(checkPayload(set201, { message: wire }), undefined, '2.0.1 SetDisplayMessage schema');
  t.equal(checkPayload(set21, { message: wire }), undefined, '2.1 SetDisplayMessage schema');
  t.same(fromMessageInfo(wire), full);
  const minimal: DisplayMessage = { id: 0, priority: 'NormalCycle', format: 'ASCII', content: '' };
  t.same(toMessageInfo(minimal), { id: 0, priority: 'NormalCycle', message: { format: 'ASCII', content: '' } });
  t.same(fromMessageInfo(toMessageInfo(minimal)), minimal);
});

t.test('validation and ids', async (t) => {
  t.same(validateDisplayMessage(full), []);
  t.same(
    validateDisplayMessage({ ...full, id: -1, content: 'x'.repeat(513), language: 'en-GB-oxendict', transactionId: 'T'.repeat(37), endsAt: full.startsAt }).map((p) => p.path),
    ['id', 'content', 'language', 'transactionId', 'endsAt'],
  );
  t.equal(nextMessageId([]), 0);
  t.equal(nextMessageId([{ id: 4 }, { id: 1 }]), 5);
});

t.test('property: every valid message maps to a schema-valid 2.0.1 request and back', async (t) => {
  const iso = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  const message: fc.Arbitrary<DisplayMessage> = fc.record(
    {
      id: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      priority: fc.constantFrom(...MESSAGE_PRIORITIES),
      state: fc.constantFrom(...MESSAGE_STATES),
      startsAt: iso,
      transactionId: fc.string({ minLength: 1, maxLength: 36 }),
      format: fc.constantFrom(...MESSAGE_FORMATS),
      language: fc.string({ minLength: 1, maxLength: 8 }),
      content: fc.string({ maxLength: 512 }),
      display: fc.record({ name: fc.string({ minLength: 1, maxLength: 50 }), evseId: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: ['name'] }),
    },
    { requiredKeys: ['id', 'priority', 'format', 'content'] },
  );
  fc.assert(
    fc.property(message, (m) => {
      if (validateDisplayMessage(m).length > 0) return true;
      const wire = toMessageInfo(m);
      return checkPayload(set201, { message: wire }) === undefined && isDeepStrictEqual(fromMessageInfo(wire), JSON.parse(JSON.stringify(m)));
    }),
  );
  t.pass('checked');
});
