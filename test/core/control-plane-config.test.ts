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
    registryTtlSec: 10,
  });
  t.same(loadConfig({ CSMS_MESSAGE_LOG_RETENTION: 'off' }).controlPlane.messageLogRetention, { kind: 'off' });
  t.same(loadConfig({ CSMS_MESSAGE_LOG_RETENTION: '50' }).controlPlane.messageLogRetention, { kind: 'rows', maxPerStation: 50 });
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
