/**
 * Checks every message the simulator can send — its own calls, its answers to CSMS
 * calls, and the REST commands — against the official OCPP JSON schemas shipped by
 * ocpp-rpc. Run after changing payloads.ts, responder.ts or command-payloads.ts:
 *   node dist/bench/tools/validate-payloads.js
 * A tool, not a test: it prints what fails and exits non-zero.
 */
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import * as p from '../sim/payloads.js';
import { answer } from '../sim/responder.js';
import { commandFor } from '../scenarios/command-payloads.js';

const require = createRequire(import.meta.url);
const FILES: Record<p.OcppVersion, string> = { 'ocpp1.6': 'ocpp1_6', 'ocpp2.0.1': 'ocpp2_0_1', 'ocpp2.1': 'ocpp2_1' };

type Schema = { $id: string; [k: string]: unknown };

function validatorFor(v: p.OcppVersion) {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  // RFC 3339 date-time, enough for the timestamps the simulator writes.
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  const schemas = require(`ocpp-rpc/lib/schemas/${FILES[v]}.json`) as Schema[];
  // ajv's URI parser rejects "urn:Action.req" as an $id, so schemas are added by key.
  for (const { $id, ...schema } of schemas) ajv.addSchema(schema, $id.replace(/^urn:/, ''));
  // 1.6 and 2.0.1 name schemas urn:X.req / urn:X.conf, 2.1 urn:XRequest / urn:XResponse.
  return (action: string, kind: 'req' | 'conf', payload: unknown): string | undefined => {
    const id = v === 'ocpp2.1' ? `${action}${kind === 'req' ? 'Request' : 'Response'}` : `${action}.${kind}`;
    const validate = ajv.getSchema(id);
    if (!validate) return `no schema ${id}`;
    return validate(payload) ? undefined : ajv.errorsText(validate.errors);
  };
}

/** Sample CSMS→station requests, enough for the responder to build its answers. */
const SAMPLE_REQUESTS: Record<string, Record<string, unknown>> = {
  GetConfiguration: { key: ['HeartbeatInterval', 'Foo'] },
  GetVariables: { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] },
  SetVariables: { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' }] },
  TriggerMessage: { requestedMessage: 'Heartbeat' },
};

const ACTIONS_16 = ['Reset', 'ChangeAvailability', 'ChangeConfiguration', 'ClearCache', 'RemoteStartTransaction', 'RemoteStopTransaction', 'TriggerMessage', 'SetChargingProfile', 'ClearChargingProfile', 'SendLocalList', 'ReserveNow', 'CancelReservation', 'UnlockConnector', 'GetLocalListVersion', 'GetCompositeSchedule', 'DataTransfer', 'GetDiagnostics', 'UpdateFirmware', 'GetConfiguration'];
const ACTIONS_2 = ['Reset', 'ChangeAvailability', 'ClearCache', 'RequestStartTransaction', 'RequestStopTransaction', 'TriggerMessage', 'SetChargingProfile', 'ClearChargingProfile', 'GetBaseReport', 'GetReport', 'SendLocalList', 'ReserveNow', 'CancelReservation', 'SetNetworkProfile', 'UpdateFirmware', 'CustomerInformation', 'SetDisplayMessage', 'ClearDisplayMessage', 'UnlockConnector', 'GetLocalListVersion', 'GetTransactionStatus', 'GetCompositeSchedule', 'DataTransfer', 'GetInstalledCertificateIds', 'GetVariables', 'SetVariables'];

let failed = 0;
let checked = 0;
function check(v: p.OcppVersion, what: string, error: string | undefined): void {
  checked++;
  if (error) {
    failed++;
    console.log(`FAIL ${v} ${what}: ${error}`);
  }
}

for (const v of p.VERSIONS) {
  const validate = validatorFor(v);
  const v16 = v === 'ocpp1.6';
  const own: Array<[string, string]> = [
    ['BootNotification', p.bootNotification(v, 'SIM000001')],
    ['Heartbeat', p.heartbeat()],
    ['StatusNotification', p.statusNotification(v, true)],
    ['StatusNotification', p.statusNotification(v, false)],
    ['MeterValues', p.meterValues(v, 1234)],
    ['Authorize', p.authorize(v, p.idTag(1))],
    ...(v16
      ? ([
          ['MeterValues', p.meterValues(v, 1234, 7)],
          ['StartTransaction', p.startTransaction(p.idTag(1), 0)],
          ['StopTransaction', p.stopTransaction(7, 100, p.idTag(1))],
        ] as Array<[string, string]>)
      : (['Started', 'Updated', 'Ended'] as const).map((t, i): [string, string] => ['TransactionEvent', p.transactionEvent(t, 'SIM-1', i, 100, p.idTag(1))])),
  ];
  for (const [action, text] of own) check(v, `station→CSMS ${action}`, validate(action, 'req', JSON.parse(text)));
  for (const action of v16 ? ACTIONS_16 : ACTIONS_2) {
    const reply = answer(v, action, SAMPLE_REQUESTS[action] ?? {});
    check(v, `answer to ${action}`, reply.payload ? validate(action, 'conf', reply.payload) : 'not answered');
  }
  for (let i = 0; i < 4; i++) {
    const cmd = commandFor(v, i);
    check(v, `REST command ${cmd.action}`, validate(cmd.action, 'req', cmd.payload));
  }
}
console.log(`${checked - failed} of ${checked} payloads valid against the ocpp-rpc schemas`);
process.exit(failed > 0 ? 1 : 0);
