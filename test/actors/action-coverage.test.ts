import t from 'tap';
import { isCsmsInitiated, isStationInitiated } from '../../core/actions.js';
import { SUPPORTED_VERSIONS, type OcppVersion } from '../../core/protocols.js';
import { loadSchemaDocuments } from '../../core/schemas.js';
import { CSMS_INITIATED, NOT_SUPPORTED_OUTBOUND } from '../../actors/actions/csms-initiated.js';
import { NOT_SUPPORTED_INBOUND, STATION_INITIATED } from '../../actors/actions/station-initiated.js';

// Every action of every version's official schema set has a home: routed (station-initiated),
// sent (CSMS-initiated), or listed as not supported with a reason. A new schema set or a
// forgotten action fails here, not in front of a station.

/** Action names from the schema $ids: `urn:Reset.req`, `ResetRequest`, `Reset.conf`, … */
function schemaActions(version: OcppVersion): Set<string> {
  return new Set(loadSchemaDocuments(version).map((d) => d.$id.replace(/^urn:/, '').replace(/(\.req|\.conf|Request|Response)$/, '')));
}

const has = (table: object, action: string) => Object.hasOwn(table, action);

for (const version of SUPPORTED_VERSIONS) {
  t.test(version, async (t) => {
    const actions = schemaActions(version);
    t.ok(actions.size > 30, `${actions.size} actions in the schema set`);

    for (const action of [...actions].sort()) {
      if (isStationInitiated(version, action)) {
        const routed = has(STATION_INITIATED[version], action);
        const refused = has(NOT_SUPPORTED_INBOUND[version], action);
        t.ok(routed !== refused, `${action} (station → CSMS): routed or not supported, not both`);
        if (refused) t.ok(NOT_SUPPORTED_INBOUND[version][action]!.length > 0, `${action}: a reason`);
      }
      if (isCsmsInitiated(version, action, actions)) {
        const sent = has(CSMS_INITIATED[version], action);
        const refused = has(NOT_SUPPORTED_OUTBOUND[version], action);
        t.ok(sent !== refused, `${action} (CSMS → station): sent or not supported, not both`);
        if (refused) t.ok(NOT_SUPPORTED_OUTBOUND[version][action]!.length > 0, `${action}: a reason`);
      }
    }

  });

  t.test(`${version}: the tables name only actions of the schema set, in their direction`, async (t) => {
    const actions = schemaActions(version);
    for (const action of [...Object.keys(STATION_INITIATED[version]), ...Object.keys(NOT_SUPPORTED_INBOUND[version])]) {
      t.ok(actions.has(action), `inbound table: ${action} is in the ${version} schema set`);
      t.ok(isStationInitiated(version, action), `inbound table: ${action} is station-initiated`);
    }
    for (const action of [...Object.keys(CSMS_INITIATED[version]), ...Object.keys(NOT_SUPPORTED_OUTBOUND[version])]) {
      t.ok(isCsmsInitiated(version, action, actions), `outbound table: ${action} is a CSMS-initiated ${version} action`);
    }
    for (const [action, spec] of Object.entries(CSMS_INITIATED[version])) t.equal(spec.action, action, `${action}: keyed by its own action`);
  });
}

t.test('2.1 sends every 2.0.1 command with the same spec (it extends, never copies)', async (t) => {
  for (const [action, spec] of Object.entries(CSMS_INITIATED['ocpp2.0.1'])) t.equal(CSMS_INITIATED['ocpp2.1'][action], spec, action);
});

// Issue #12: every station-initiated action is answered, except the ones later issues own (with
// their reason). A handler dropped from a table, or an action put back on a list, fails here.
const REFUSED_INBOUND: Record<OcppVersion, string[]> = {
  'ocpp1.6': [],
  'ocpp2.0.1': [
  ],
  'ocpp2.1': [
    'BatterySwap', 'ClosePeriodicEventStream', 'NotifyDERAlarm', 'NotifyDERStartStop', 'NotifyPeriodicEventStream', 'NotifyPriorityCharging', 'NotifySettlement',
    'OpenPeriodicEventStream', 'PullDynamicScheduleUpdate', 'ReportDERControl',
    'VatNumberValidation',
  ],
};

for (const version of SUPPORTED_VERSIONS) {
  t.test(`${version}: station-initiated actions answered NotSupported are exactly the ones later issues own`, async (t) => {
    t.same(Object.keys(NOT_SUPPORTED_INBOUND[version]).sort(), REFUSED_INBOUND[version]);
    for (const reason of Object.values(NOT_SUPPORTED_INBOUND[version])) t.notMatch(reason, /#12/, 'no action is left waiting for issue #12');
  });
}

t.test('2.1 routes every 2.0.1 station-initiated action with the same handler', async (t) => {
  for (const [action, handler] of Object.entries(STATION_INITIATED['ocpp2.0.1'])) t.equal(STATION_INITIATED['ocpp2.1'][action], handler, action);
});
