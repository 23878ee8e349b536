import t from 'tap';
import { AdmissionRelay } from '../../workers/admission-relay.js';

// Main hands a login one gateway thread remembered to the others, unless the station was
// forgotten (password, profile or station changed) after that login's store lookup started.

t.test('a login is relayed unless its lookup started before the station was last forgotten', async (t) => {
  const relay = new AdmissionRelay();
  t.ok(relay.shouldRelay('CS-1', 100), 'never forgotten');
  relay.forgotten('CS-1', 200);
  t.notOk(relay.shouldRelay('CS-1', 150), 'looked up before the change: may hold the old password');
  t.notOk(relay.shouldRelay('CS-1', 200));
  t.ok(relay.shouldRelay('CS-1', 250), 'looked up after it');
  t.ok(relay.shouldRelay('CS-2', 150), 'other stations are not affected');
});

t.test('old forgets are dropped once there are many, recent ones kept', async (t) => {
  const relay = new AdmissionRelay(1000);
  relay.forgotten('OLD', 0);
  for (let i = 0; i < 10_000; i++) relay.forgotten(`S-${i}`, 5000);
  relay.forgotten('NEW', 5000);
  t.ok(relay.shouldRelay('OLD', 1), 'forgotten long ago: dropped from memory');
  t.notOk(relay.shouldRelay('NEW', 4000), 'a recent one is kept');
  t.notOk(relay.shouldRelay('S-1', 4999));
});
