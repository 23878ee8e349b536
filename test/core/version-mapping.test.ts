import t from 'tap';
import { connectorStatusFrom16, evseFrom16 } from '../../core/version-mapping.js';

t.test('1.6 ChargePointStatus maps onto the 2.x connector status', async (t) => {
  t.equal(connectorStatusFrom16('Available'), 'Available');
  for (const s of ['Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing']) {
    t.equal(connectorStatusFrom16(s), 'Occupied', s);
  }
  t.equal(connectorStatusFrom16('Reserved'), 'Reserved');
  t.equal(connectorStatusFrom16('Unavailable'), 'Unavailable');
  t.equal(connectorStatusFrom16('Faulted'), 'Faulted');
  t.equal(connectorStatusFrom16('Sleeping'), 'Unavailable', 'unknown values are Unavailable');
  t.equal(connectorStatusFrom16('toString'), 'Unavailable', 'no prototype lookups');
});

t.test('1.6 connector N is EVSE N connector 1; connector 0 is the station', async (t) => {
  t.same(evseFrom16(0), { evseId: 0, connectorId: 0 });
  t.same(evseFrom16(1), { evseId: 1, connectorId: 1 });
  t.same(evseFrom16(4), { evseId: 4, connectorId: 1 });
});
