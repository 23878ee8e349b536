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

t.test('isOcppVersion and isOcpp2', async (t) => {
  const { isOcppVersion, isOcpp2, SUPPORTED_VERSIONS } = await import('../../core/protocols.js');
  t.same(SUPPORTED_VERSIONS, ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1']);
  for (const v of SUPPORTED_VERSIONS) t.ok(isOcppVersion(v), v);
  for (const v of ['ocpp2.0', 'OCPP1.6', 'ocpp1.6 ', '', 'ocpp2']) t.notOk(isOcppVersion(v), JSON.stringify(v));
  t.equal(isOcpp2('ocpp1.6'), false);
  t.equal(isOcpp2('ocpp2.0.1'), true);
  t.equal(isOcpp2('ocpp2.1'), true);
  t.equal(negotiateVersion(' ocpp2.1 ,ocpp1.6'), 'ocpp2.1', 'whitespace around tokens');
  t.equal(negotiateVersion('OCPP1.6'), undefined, 'subprotocol names are case-sensitive');
});
