import t from 'tap';
import { loadConfig } from '../../core/config.js';

t.test('control plane defaults', async (t) => {
  const { controlPlane } = loadConfig({});
  t.match(controlPlane, {
    adminKey: undefined,
    metricsPublic: false,
    messageLogRetention: { kind: 'rows', maxPerStation: 1000 },
    natsUrl: undefined,
    natsFrameMirror: false,
    natsBufferSize: 10_000,
    role: 'all',
    registryTtlSec: 30,
    independentNodes: false,
  });
  t.match(controlPlane.nodeId, /^[A-Za-z0-9_-]+$/);
});

t.test('control plane variables', async (t) => {
  const { controlPlane } = loadConfig({
    CSMS_ADMIN_KEY: 'a-long-admin-key-123',
    CSMS_METRICS_PUBLIC: 'true',
    CSMS_MESSAGE_LOG_RETENTION: '24h',
    NATS_URL: 'nats://a:4222,nats://b:4222',
    CSMS_NATS_FRAME_MIRROR: 'yes',
    CSMS_NATS_BUFFER: '5',
    CSMS_ROLE: 'api',
    CSMS_NODE_ID: 'node-1',
    CSMS_REGISTRY_TTL: '10',
    CSMS_STORE: 'postgres',
  });
  t.same(controlPlane, {
    adminKey: 'a-long-admin-key-123',
    metricsPublic: true,
    messageLogRetention: { kind: 'hours', hours: 24 },
    natsUrl: 'nats://a:4222,nats://b:4222',
    natsFrameMirror: true,
    natsBufferSize: 5,
    role: 'api',
    nodeId: 'node-1',
    nodeIdConfigured: true,
    registryTtlSec: 10,
    independentNodes: false,
    secureCookies: false,
  });
  t.same(loadConfig({ CSMS_MESSAGE_LOG_RETENTION: 'off' }).controlPlane.messageLogRetention, { kind: 'off' });
  t.same(loadConfig({ CSMS_MESSAGE_LOG_RETENTION: '50' }).controlPlane.messageLogRetention, { kind: 'rows', maxPerStation: 50 });
});

t.test('NATS with a node-local store is refused unless the nodes are declared independent', async (t) => {
  t.throws(() => loadConfig({ NATS_URL: 'nats://a:4222' }), { name: 'ConfigError', message: /CSMS_STORE=postgres.*CSMS_INDEPENDENT_NODES=true/ }, 'SQLite (the default) + NATS');
  t.throws(() => loadConfig({ NATS_URL: 'nats://a:4222', CSMS_STORE: 'sqlite', CSMS_INDEPENDENT_NODES: 'false' }), { name: 'ConfigError' });
  t.equal(loadConfig({ NATS_URL: 'nats://a:4222', CSMS_INDEPENDENT_NODES: 'true' }).controlPlane.independentNodes, true, 'declared independent');
  t.equal(loadConfig({ NATS_URL: 'nats://a:4222', CSMS_STORE: 'postgres' }).store, 'postgres', 'a shared store');
  t.equal(loadConfig({ NATS_URL: 'nats://a:4222', CSMS_STORE: 'mongodb', MONGODB_URL: 'mongodb://m/x' }).store, 'mongodb', 'a shared store');
  t.equal(loadConfig({ CSMS_STORE: 'sqlite' }).controlPlane.natsUrl, undefined, 'SQLite without NATS: one node, fine');
  t.throws(() => loadConfig({ CSMS_INDEPENDENT_NODES: 'maybe' }), { name: 'ConfigError', message: /CSMS_INDEPENDENT_NODES/ });
});

t.test('invalid control plane values name the variable', async (t) => {
  for (const [name, value] of [
    ['CSMS_ADMIN_KEY', 'short'],
    ['CSMS_MESSAGE_LOG_RETENTION', '3d'],
    ['CSMS_ROLE', 'worker'],
    ['CSMS_NODE_ID', 'a.b'],
    ['CSMS_REGISTRY_TTL', '1'],
    ['CSMS_NATS_BUFFER', '-1'],
  ] as const) {
    t.throws(() => loadConfig({ [name]: value }), { name: 'ConfigError', message: new RegExp(name) }, `${name}=${value}`);
  }
});
