import t from 'tap';
import { stationCallerContract } from '../contract/station-caller.js';
import { startInProcessNode, registered } from '../helpers/in-process-node.js';
import { connectStrict } from '../helpers/ocpp-clients.js';

// The node's thread-channel StationCaller, on a real node (gateway + handler threads) with a
// strict ocpp-rpc station. The NATS implementation runs the same contract (nats-station-caller).
stationCallerContract(t, 'thread channel', async (t) => {
  const { node, ocppUrl } = await startInProcessNode(t, { CSMS_CALL_TIMEOUT: '1' });
  const station = await connectStrict(t, { endpoint: ocppUrl, identity: 'CALLER-1', version: 'ocpp2.0.1' });
  await registered(node, 'CALLER-1');
  return { caller: node, station, stationId: 'CALLER-1', tenantId: 'default', version: 'ocpp2.0.1' };
});
