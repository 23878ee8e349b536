import t from 'tap';
import { startupBanner } from '../../workers/startup-banner.js';

const config = { host: '0.0.0.0', ocppPort: 8080, apiPort: 8081, ocppPathPrefix: '/ocpp' };

t.test('a full node names the OCPP endpoint and the API with its docs', async (t) => {
  const banner = startupBanner(config, 'all');
  t.same(banner.fields, { ocppUrl: 'ws://localhost:8080/ocpp', apiUrl: 'http://localhost:8081', docsUrl: 'http://localhost:8081/docs' });
  t.match(banner.text, /OCPP: +ws:\/\/localhost:8080\/ocpp\/<stationId>/);
  t.match(banner.text, /REST API: http:\/\/localhost:8081 +\(docs: http:\/\/localhost:8081\/docs\)/);
});

t.test('each role names only what it serves; a specific host is kept', async (t) => {
  t.same(startupBanner({ ...config, host: '127.0.0.2' }, 'gateway').fields, { ocppUrl: 'ws://127.0.0.2:8080/ocpp' });
  t.same(startupBanner(config, 'api').fields, { apiUrl: 'http://localhost:8081', docsUrl: 'http://localhost:8081/docs' });
  t.equal(startupBanner({ ...config, host: '::1' }, 'api').fields.apiUrl, 'http://[::1]:8081');
});
