import t from 'tap';
import { ConfigError, loadConfig } from '../../core/config.js';

t.test('session and store settings', async (t) => {
  const defaults = loadConfig({});
  t.equal(defaults.unknownTokens, 'reject');
  t.equal(defaults.store, 'sqlite');
  t.equal(defaults.mongodbUrl, undefined);
  t.equal(loadConfig({ CSMS_UNKNOWN_TOKENS: 'accept-all' }).unknownTokens, 'accept-all');
  const mongo = loadConfig({ CSMS_STORE: 'mongodb', MONGODB_URL: ' mongodb://db/switchyard ' });
  t.equal(mongo.store, 'mongodb');
  t.equal(mongo.mongodbUrl, 'mongodb://db/switchyard');
  t.throws(() => loadConfig({ CSMS_UNKNOWN_TOKENS: 'maybe' }), ConfigError);
  t.throws(() => loadConfig({ CSMS_STORE: 'cassandra' }), /CSMS_STORE must be one of sqlite, mongodb, postgres/);
  t.throws(() => loadConfig({ CSMS_STORE: 'mongodb' }), /needs MONGODB_URL/);
});

t.test('CSMS_VENDOR_EXTENSIONS: comma-separated module paths, none by default', async (t) => {
  t.same(loadConfig({}).vendorExtensions, []);
  t.same(loadConfig({ CSMS_VENDOR_EXTENSIONS: ' ./a.mjs, /opt/b.mjs ,' }).vendorExtensions, ['./a.mjs', '/opt/b.mjs']);
});
