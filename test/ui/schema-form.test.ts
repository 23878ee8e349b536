import t from 'tap';
import { loadSchemaDocuments } from '../../core/schemas.js';
import { fieldsOf, missingRequired, parseInput, setPath, type Field } from '../../ui/src/schema-form.ts';

const schemaOf = (version: 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1', id: string) => loadSchemaDocuments(version).find((s) => s.$id === id)!;

t.test('fields from the official schemas: required first, enums as selects, nested objects, $refs resolved', async (t) => {
  const reset16 = fieldsOf(schemaOf('ocpp1.6', 'urn:Reset.req'));
  t.match(reset16, [{ name: 'type', kind: 'enum', required: true, options: ['Hard', 'Soft'] }]);
  const start201 = fieldsOf(schemaOf('ocpp2.0.1', 'urn:RequestStartTransaction.req'));
  t.same(start201.filter((f) => f.required).map((f) => f.name).sort(), ['idToken', 'remoteStartId']);
  const idToken = start201.find((f) => f.name === 'idToken') as Extract<Field, { kind: 'object' }>;
  t.equal(idToken.kind, 'object', '$ref to IdTokenType resolved into a group');
  t.match(idToken.fields.find((f) => f.name === 'type'), { kind: 'enum', required: true, path: ['idToken', 'type'] });
  t.notOk(start201.some((f) => f.name === 'customData'), 'customData left out');
  const chargingProfile = start201.find((f) => f.name === 'chargingProfile') as Extract<Field, { kind: 'object' }>;
  t.match(chargingProfile.fields.find((f) => f.name === 'chargingSchedule'), { kind: 'json' }, 'arrays are edited as JSON');
  const reset21 = fieldsOf(schemaOf('ocpp2.1', 'urn:ResetRequest'));
  t.match(reset21.find((f) => f.name === 'type'), { kind: 'enum', required: true });
});

t.test('building a payload: set, clear, nested, required checks, typed inputs', async (t) => {
  const fields = fieldsOf(schemaOf('ocpp2.0.1', 'urn:RequestStartTransaction.req'));
  let v: Record<string, any> = {};
  t.same(missingRequired(fields, v).sort(), ['idToken.idToken', 'idToken.type', 'remoteStartId'], 'a required group counts even when empty');
  v = setPath(v, ['idToken', 'idToken'], 'TAG-1');
  v = setPath(v, ['idToken', 'type'], 'ISO14443');
  v = setPath(v, ['remoteStartId'], parseInput({ kind: 'integer', name: 'remoteStartId', path: ['remoteStartId'], required: true }, '42'));
  t.same(v, { idToken: { idToken: 'TAG-1', type: 'ISO14443' }, remoteStartId: 42 });
  t.same(missingRequired(fields, v), []);
  v = setPath(v, ['idToken', 'idToken'], '');
  v = setPath(v, ['idToken', 'type'], undefined);
  t.same(v, { remoteStartId: 42 }, 'an emptied group goes');
  t.equal(parseInput({ kind: 'number', name: 'x', path: ['x'], required: false }, '1.5'), 1.5);
  t.equal(parseInput({ kind: 'integer', name: 'x', path: ['x'], required: false }, '1.5'), '1.5', 'not an integer: kept as typed, so the server says why');
  t.equal(parseInput({ kind: 'boolean', name: 'x', path: ['x'], required: false }, 'false'), false);
  t.same(parseInput({ kind: 'json', name: 'x', path: ['x'], required: false }, '[1,2]'), [1, 2]);
  t.equal(parseInput({ kind: 'string', name: 'x', path: ['x'], required: false }, ''), undefined);
});
