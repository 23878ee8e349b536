import t, { type Test } from 'tap';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../../core/config.js';

// t.match: the fields below must be as shown; other slices (e.g. controlPlane) test their own.
t.test('defaults with an empty environment', async (t) => {
  t.match(loadConfig({}), {
    ocppPort: 8080,
    apiPort: 8081,
    host: '0.0.0.0',
    dataDir: './data',
    workers: availableParallelism(),
    allowUnknownStations: false,
    heartbeatIntervalSec: 300,
    callTimeoutSec: 30,
    reservationSweepSec: 10,
    maxFrameBytes: 256 * 1024,
    ocppPathPrefix: '/ocpp',
    wsIdleTimeoutSec: 120,
    maxBackpressureBytes: 1024 * 1024,
    scryptCost: 16384,
    logLevel: 'info',
    unknownTokens: 'reject',
    store: 'sqlite',
    mongodbUrl: undefined,
  });
  t.equal(loadConfig({ CSMS_OCPP_PORT: '', CSMS_LOG_LEVEL: '' }).ocppPort, 8080, 'empty values mean the default');
});

t.test('each documented variable is read', async (t) => {
  const config = loadConfig({
    CSMS_OCPP_PORT: '9000',
    CSMS_API_PORT: ' 9001 ',
    CSMS_HOST: '127.0.0.1',
    CSMS_DATA_DIR: '/var/lib/switchyard',
    CSMS_WORKERS: '3',
    CSMS_ALLOW_UNKNOWN_STATIONS: 'YES',
    CSMS_HEARTBEAT_INTERVAL: '60',
    CSMS_CALL_TIMEOUT: '5',
    CSMS_MAX_FRAME_BYTES: '65536',
    CSMS_OCPP_PATH_PREFIX: '/cpms/ws/',
    CSMS_WS_IDLE_TIMEOUT: '30',
    CSMS_MAX_BACKPRESSURE_BYTES: '2048',
    CSMS_SCRYPT_COST: '1024',
    CSMS_LOG_LEVEL: 'debug',
    CSMS_UNKNOWN_TOKENS: 'accept-all',
    CSMS_STORE: 'mongodb',
    MONGODB_URL: ' mongodb://127.0.0.1:27017/sy ',
  });
  t.match(config, {
    ocppPort: 9000,
    apiPort: 9001,
    host: '127.0.0.1',
    dataDir: '/var/lib/switchyard',
    workers: 3,
    allowUnknownStations: true,
    heartbeatIntervalSec: 60,
    callTimeoutSec: 5,
    maxFrameBytes: 65536,
    ocppPathPrefix: '/cpms/ws',
    wsIdleTimeoutSec: 30,
    maxBackpressureBytes: 2048,
    scryptCost: 1024,
    logLevel: 'debug',
    unknownTokens: 'accept-all',
    store: 'mongodb',
    mongodbUrl: 'mongodb://127.0.0.1:27017/sy',
  });
  for (const [raw, value] of [['true', true], ['1', true], ['false', false], ['0', false], ['No', false]] as const) {
    t.equal(loadConfig({ CSMS_ALLOW_UNKNOWN_STATIONS: raw }).allowUnknownStations, value, raw);
  }
  t.equal(loadConfig({ CSMS_OCPP_PATH_PREFIX: '/' }).ocppPathPrefix, '/ocpp', 'a bare / falls back to /ocpp');
});

function throwsConfig(t: Test, env: Record<string, string>, pattern: RegExp): void {
  t.throws(() => loadConfig(env), ConfigError, JSON.stringify(env));
  try {
    loadConfig(env);
  } catch (error) {
    t.ok(error instanceof ConfigError);
    t.equal((error as Error).name, 'ConfigError');
    t.match((error as Error).message, pattern, JSON.stringify(env));
  }
}

t.test('invalid values throw ConfigError naming the variable and the value', async (t) => {
  throwsConfig(t, { CSMS_OCPP_PORT: 'eighty' }, /CSMS_OCPP_PORT must be a whole number, got 'eighty'/);
  throwsConfig(t, { CSMS_OCPP_PORT: '-1' }, /CSMS_OCPP_PORT must be a whole number/);
  throwsConfig(t, { CSMS_OCPP_PORT: '80.5' }, /CSMS_OCPP_PORT must be a whole number/);
  throwsConfig(t, { CSMS_API_PORT: '70000' }, /CSMS_API_PORT must be between 1 and 65535, got 70000/);
  throwsConfig(t, { CSMS_API_PORT: '0' }, /CSMS_API_PORT must be between 1 and 65535/);
  throwsConfig(t, { CSMS_WORKERS: '0' }, /CSMS_WORKERS must be between 1 and 256/);
  throwsConfig(t, { CSMS_WS_IDLE_TIMEOUT: '7' }, /CSMS_WS_IDLE_TIMEOUT must be between 8 and 3600/);
  throwsConfig(t, { CSMS_MAX_FRAME_BYTES: '100' }, /CSMS_MAX_FRAME_BYTES must be between/);
  throwsConfig(t, { CSMS_ALLOW_UNKNOWN_STATIONS: 'maybe' }, /CSMS_ALLOW_UNKNOWN_STATIONS must be true or false, got 'maybe'/);
  throwsConfig(t, { CSMS_OCPP_PORT: '9000', CSMS_API_PORT: '9000' }, /CSMS_OCPP_PORT and CSMS_API_PORT must differ \(both 9000\)/);
  throwsConfig(t, { CSMS_API_PORT: '8080' }, /must differ/);
  throwsConfig(t, { CSMS_SCRYPT_COST: '1000' }, /CSMS_SCRYPT_COST must be a power of two, got 1000/);
  throwsConfig(t, { CSMS_SCRYPT_COST: '1' }, /CSMS_SCRYPT_COST must be between 2 and/);
  throwsConfig(t, { CSMS_LOG_LEVEL: 'loud' }, /CSMS_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'/);
  throwsConfig(t, { CSMS_OCPP_PATH_PREFIX: 'ocpp' }, /CSMS_OCPP_PATH_PREFIX must be a URL path starting with '\/'/);
  throwsConfig(t, { CSMS_OCPP_PATH_PREFIX: '/a b' }, /CSMS_OCPP_PATH_PREFIX/);
  throwsConfig(t, { CSMS_UNKNOWN_TOKENS: 'some' }, /CSMS_UNKNOWN_TOKENS must be one of reject, accept-all/);
  throwsConfig(t, { CSMS_STORE: 'cassandra' }, /CSMS_STORE must be one of sqlite, mongodb, postgres/);
  throwsConfig(t, { CSMS_STORE: 'mongodb' }, /CSMS_STORE=mongodb needs MONGODB_URL/);
});

t.test('CSMS_MESSAGE_LOG_DURABILITY: journal by default, data or all on request, anything else refused', async (t) => {
  t.equal(loadConfig({}).storage.messageLogDurability, 'journal');
  t.equal(loadConfig({ CSMS_MESSAGE_LOG_DURABILITY: 'data' }).storage.messageLogDurability, 'data');
  t.equal(loadConfig({ CSMS_MESSAGE_LOG_DURABILITY: 'all' }).storage.messageLogDurability, 'all');
  t.throws(() => loadConfig({ CSMS_MESSAGE_LOG_DURABILITY: 'some' }), /CSMS_MESSAGE_LOG_DURABILITY/);
});

t.test('upload target and campaign settings', async (t) => {
  t.match(loadConfig({}), {
    uploads: { baseUrl: 'http://127.0.0.1:8081', maxBytes: 50 * 1024 * 1024, retentionDays: 30, tokenHours: 24 },
    campaignTickMs: 2000,
  });
  t.equal(loadConfig({ CSMS_HOST: '10.1.2.3', CSMS_API_PORT: '9000' }).uploads.baseUrl, 'http://10.1.2.3:9000', 'the bound address when it is one');
  t.match(
    loadConfig({ CSMS_UPLOAD_BASE_URL: 'https://csms.example.com/', CSMS_UPLOAD_MAX_BYTES: '1024', CSMS_UPLOAD_RETENTION_DAYS: '7', CSMS_UPLOAD_TOKEN_HOURS: '2', CSMS_CAMPAIGN_TICK_MS: '100' }),
    { uploads: { baseUrl: 'https://csms.example.com', maxBytes: 1024, retentionDays: 7, tokenHours: 2 }, campaignTickMs: 100 },
  );
  t.throws(() => loadConfig({ CSMS_UPLOAD_BASE_URL: 'ftp://x' }), /CSMS_UPLOAD_BASE_URL must be an http\(s\) URL/);
  t.throws(() => loadConfig({ CSMS_UPLOAD_MAX_BYTES: '0' }), /CSMS_UPLOAD_MAX_BYTES/);
});

t.test('station data: status history retention, report timeout, NotifyEvent storm bucket', async (t) => {
  t.same(loadConfig({}).stationData, { statusHistoryRetentionDays: 400, reportTimeoutSec: 600, eventRatePerSec: 20, eventBurst: 200 });
  t.same(
    loadConfig({ CSMS_STATUS_HISTORY_RETENTION_DAYS: '0', CSMS_REPORT_TIMEOUT_SEC: '5', CSMS_EVENT_RATE: '0.5', CSMS_EVENT_BURST: '3' }).stationData,
    { statusHistoryRetentionDays: 0, reportTimeoutSec: 5, eventRatePerSec: 0.5, eventBurst: 3 },
  );
  t.throws(() => loadConfig({ CSMS_STATUS_HISTORY_RETENTION_DAYS: '-1' }), /CSMS_STATUS_HISTORY_RETENTION_DAYS/);
  t.throws(() => loadConfig({ CSMS_REPORT_TIMEOUT_SEC: '0' }), /CSMS_REPORT_TIMEOUT_SEC/);
  t.throws(() => loadConfig({ CSMS_EVENT_BURST: '0' }), /CSMS_EVENT_BURST/);
});
