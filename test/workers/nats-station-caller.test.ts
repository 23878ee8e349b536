import t from 'tap';
import { connect } from '@nats-io/transport-node';
import { CommandRouter, NatsStationCaller } from '../../workers/command-router.js';
import { stationCallerContract } from '../contract/station-caller.js';
import { startInProcessNode, registered } from '../helpers/in-process-node.js';
import { connectStrict } from '../helpers/ocpp-clients.js';
import { requireNatsServer, startNats } from '../helpers/nats-server.js';

// The NATS StationCaller: node A calls a station held by node B (real gateway and handler
// threads) through B's command router, over a real nats-server. Same contract as the thread
// channel (thread-station-caller.test.ts).
requireNatsServer(t);
stationCallerContract(t, 'NATS request/reply', async (t) => {
  const nats = await startNats(t);
  const { node: nodeB, ocppUrl } = await startInProcessNode(t, { CSMS_CALL_TIMEOUT: '1' });
  const ncA = await connect({ servers: nats.url });
  const ncB = await connect({ servers: nats.url });
  const router = new CommandRouter(
    ncB,
    'node-b',
    { holds: (tenantId, stationId) => nodeB.registry.get(stationId)?.tenantId === tenantId, sendLocal: (call) => nodeB.call(call) },
    (error) => t.comment(`router: ${String(error)}`),
  );
  router.listen();
  t.teardown(async () => {
    router.close();
    await ncA.close();
    await ncB.close();
  });
  // The cluster directory answers where a station is; here node B's registry plays it.
  const caller = new NatsStationCaller(ncA, 5_000, async (stationId) => {
    const location = nodeB.registry.get(stationId);
    return location && { nodeId: 'node-b', tenantId: location.tenantId };
  });
  const station = await connectStrict(t, { endpoint: ocppUrl, identity: 'CALLER-N', version: 'ocpp1.6' });
  await registered(nodeB, 'CALLER-N');
  return { caller, station, stationId: 'CALLER-N', tenantId: 'default', version: 'ocpp1.6' };
});
