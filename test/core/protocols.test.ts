import t from 'tap';
import { negotiateVersion } from '../../core/protocols.js';

t.test('negotiateVersion honours the station preference order among supported versions', async (t) => {
  t.equal(negotiateVersion('ocpp2.0.1, ocpp1.6'), 'ocpp2.0.1');
  t.equal(negotiateVersion('ocpp1.6,ocpp2.1'), 'ocpp1.6');
  t.equal(negotiateVersion('ocpp1.5, ocpp2.1'), 'ocpp2.1');
  t.equal(negotiateVersion('ocpp1.2'), undefined);
  t.equal(negotiateVersion(''), undefined);
  t.equal(negotiateVersion(undefined), undefined);
});
