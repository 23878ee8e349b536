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

t.test('CSMS_MAX_ENERGY_STEP_WH: the plausible register step, 1 MWh by default', async (t) => {
  t.equal(loadConfig({}).sessions.maxEnergyStepWh, 1_000_000);
  t.equal(loadConfig({ CSMS_MAX_ENERGY_STEP_WH: '250000' }).sessions.maxEnergyStepWh, 250_000);
  t.throws(() => loadConfig({ CSMS_MAX_ENERGY_STEP_WH: '0' }), /CSMS_MAX_ENERGY_STEP_WH must be between/);
  t.throws(() => loadConfig({ CSMS_MAX_ENERGY_STEP_WH: '1e400' }), /CSMS_MAX_ENERGY_STEP_WH must be a whole number/);
});

t.test('CSMS_STALE_TRANSACTION_HOURS: off by default, decimals allowed', async (t) => {
  t.equal(loadConfig({}).sessions.staleTransactionHours, 0);
  t.equal(loadConfig({ CSMS_STALE_TRANSACTION_HOURS: '0.5' }).sessions.staleTransactionHours, 0.5);
  t.throws(() => loadConfig({ CSMS_STALE_TRANSACTION_HOURS: '-1' }), /must be a number/);
  t.throws(() => loadConfig({ CSMS_STALE_TRANSACTION_HOURS: '99999' }), /must be between/);
});

t.test('CSMS_VENDOR_EXTENSIONS: comma-separated module paths, none by default', async (t) => {
  t.same(loadConfig({}).vendorExtensions, []);
  t.same(loadConfig({ CSMS_VENDOR_EXTENSIONS: ' ./a.mjs, /opt/b.mjs ,' }).vendorExtensions, ['./a.mjs', '/opt/b.mjs']);
});
