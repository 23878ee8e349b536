import t from 'tap';
import { resultReply, failedReply, type StationReply } from '../../core/envelope.js';
import { newCertificateRecord, dueForRenewal, type StationCertificate } from '../../core/certificate-inventory.js';
import { loadCertificateConfig } from '../../core/certificate-config.js';
import { ConfigError } from '../../core/config.js';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { CertificateRenewalJob } from '../../actors/commands/certificate-renewal.js';
import type { StationCommand } from '../../actors/commands/command.js';
import { renewCertificate } from '../../actors/commands/renew-certificate.js';

const NOW = new Date('2026-11-30T08:00:00.000Z');
const policy = { windowDays: 30, retryAfterMs: 3_600_000 };

function signed(stationId: string, notAfter: string, tenantId = 'acme'): StationCertificate {
  return newCertificateRecord({
    tenantId,
    stationId,
    certificateType: 'ChargingStationCertificate',
    hashData: { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: stationId.replace(/\D/g, '') || '1' },
    source: 'signed',
    notAfter,
    at: '2026-01-01T00:00:00.000Z',
  });
}

t.test('dueForRenewal: signed, within the window, not renewed, not asked within the retry interval', async (t) => {
  const c = signed('CP-1', '2026-12-20T00:00:00.000Z');
  t.ok(dueForRenewal(c, NOW, policy));
  t.notOk(dueForRenewal({ ...c, notAfter: '2027-02-01T00:00:00.000Z' }, NOW, policy), 'outside the window');
  t.notOk(dueForRenewal({ ...c, source: 'installed' }, NOW, policy), 'not ours to renew');
  t.notOk(dueForRenewal({ ...c, renewal: { status: 'renewed', at: '2026-11-01T00:00:00.000Z', attempts: 1 } }, NOW, policy));
  t.notOk(dueForRenewal({ ...c, renewal: { status: 'triggered', at: '2026-11-30T07:30:00.000Z', attempts: 1 } }, NOW, policy), 'asked half an hour ago');
  t.ok(dueForRenewal({ ...c, renewal: { status: 'failed', at: '2026-11-30T06:00:00.000Z', attempts: 1 } }, NOW, policy), 'failed two hours ago: again');
  t.ok(dueForRenewal({ ...c, notAfter: '2026-11-01T00:00:00.000Z' }, NOW, policy), 'already expired: still asked');
});

t.test('certificate configuration', async (t) => {
  t.match(loadCertificateConfig({}), { ca: { kind: 'builtin' }, validityDays: 365, renewalWindowDays: 30, renewalTickSec: 3600, renewalBatch: 50 });
  t.match(loadCertificateConfig({ CSMS_CA_SIGN_URL: 'https://pki.example/sign' }), { ca: { kind: 'external', url: 'https://pki.example/sign', timeoutMs: 10_000 } });
  t.throws(() => loadCertificateConfig({ CSMS_CA_SIGN_URL: 'https://pki.example/sign', CSMS_CA_CERT_FILE: 'a', CSMS_CA_KEY_FILE: 'b' }), ConfigError);
  t.throws(() => loadCertificateConfig({ CSMS_CA_CERT_FILE: 'a' }), ConfigError, 'cert without key');
  t.throws(() => loadCertificateConfig({ CSMS_CA_SIGN_URL: 'ftp://x' }), ConfigError);
  // V2G (ISO 15118-2 SECC) sub-CA: built in with the built-in CA, none with an external one, files with either.
  t.match(loadCertificateConfig({}), { v2g: { kind: 'builtin' }, v2gValidityDays: 60 });
  t.match(loadCertificateConfig({ CSMS_CA_SIGN_URL: 'https://pki.example/sign' }), { v2g: { kind: 'none' } });
  t.match(loadCertificateConfig({ CSMS_CA_SIGN_URL: 'https://pki.example/sign', CSMS_V2G_CA_CERT_FILE: 'v.pem', CSMS_V2G_CA_KEY_FILE: 'v.key' }), { v2g: { kind: 'files', certFile: 'v.pem', keyFile: 'v.key' } });
  t.throws(() => loadCertificateConfig({ CSMS_V2G_CA_KEY_FILE: 'v.key' }), ConfigError, 'V2G key without cert');
});

t.test('the job: at most `batch` stations a pass, soonest expiry first; one node holds the lease', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  for (const [id, notAfter] of [['CP-1', '2026-12-10T00:00:00.000Z'], ['CP-2', '2026-12-05T00:00:00.000Z'], ['CP-3', '2026-12-20T00:00:00.000Z'], ['CP-4', '2027-06-01T00:00:00.000Z']] as const) {
    await store.certificates.put(signed(id, notAfter));
  }
  const sent: string[] = [];
  const answers: Record<string, StationReply> = { 'CP-1': resultReply({ status: 'Rejected' }), 'CP-2': resultReply({ status: 'Accepted' }), 'CP-3': failedReply('disconnected', 'not connected') };
  const commands = {
    async run<In, Out>(_tenantId: string, stationId: string, command: StationCommand<In, Out>, _input: In) {
      sent.push(`${stationId}:${command.name}`);
      return { reply: answers[stationId]! };
    },
  };
  const log = { info() {}, warn() {} };
  const job = (nodeId: string, batch: number) => new CertificateRenewalJob({ store, commands, nodeId, log, policy: { ...policy, batch, tickMs: 60_000 }, clock: () => NOW });
  const a = job('node-a', 2);
  const first = await a.runOnce();
  t.same(first, {
    leased: true,
    outcomes: [
      { tenantId: 'acme', stationId: 'CP-2', certificateId: signed('CP-2', '').id, status: 'triggered' },
      { tenantId: 'acme', stationId: 'CP-1', certificateId: signed('CP-1', '').id, status: 'failed', error: 'station answered Rejected' },
    ],
  });
  t.same(sent, ['CP-2:RenewCertificate', 'CP-1:RenewCertificate'], 'soonest first, two per pass');
  t.same(await job('node-b', 10).runOnce(), { leased: false, outcomes: [] }, 'another node waits for the lease');
  const second = await a.runOnce();
  t.same(second.outcomes.map((o) => [o.stationId, o.status, o.error]), [['CP-3', 'failed', 'disconnected']], 'the rest next pass; recently asked ones wait');
  t.match((await store.certificates.listRenewals('acme', 10)).map((c) => [c.stationId, c.renewal!.status, c.renewal!.attempts]), [['CP-1', 'failed', 1], ['CP-2', 'triggered', 1], ['CP-3', 'failed', 1]].sort());
  await a.stop();
  t.equal((await job('node-b', 10).runOnce()).leased, true, 'handed back on stop');
});

t.test('an SECC (V2GCertificate) certificate is renewed with TriggerMessage SignV2GCertificate (2.x)', async (t) => {
  t.same(renewCertificate.toOcpp('ocpp2.0.1', { certificateType: 'V2GCertificate' }), { action: 'TriggerMessage', payload: { requestedMessage: 'SignV2GCertificate' } });
  t.same(renewCertificate.toOcpp('ocpp2.0.1', { certificateType: 'ChargingStationCertificate' }), { action: 'TriggerMessage', payload: { requestedMessage: 'SignChargingStationCertificate' } });
  t.same(renewCertificate.toOcpp('ocpp2.0.1', {}), { action: 'TriggerMessage', payload: { requestedMessage: 'SignChargingStationCertificate' } });
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  await store.certificates.put(newCertificateRecord({
    tenantId: 'acme', stationId: 'CP-9', certificateType: 'V2GCertificate', source: 'signed', notAfter: '2026-12-10T00:00:00.000Z', at: '2026-01-01T00:00:00.000Z',
    hashData: { hashAlgorithm: 'SHA256', issuerNameHash: 'cc', issuerKeyHash: 'dd', serialNumber: '9' },
  }));
  const inputs: unknown[] = [];
  const commands = {
    async run<In, Out>(_tenantId: string, _stationId: string, _command: StationCommand<In, Out>, input: In) {
      inputs.push(input);
      return { reply: resultReply({ status: 'Accepted' }) };
    },
  };
  const job = new CertificateRenewalJob({ store, commands, nodeId: 'n', log: { info() {}, warn() {} }, policy: { ...policy, batch: 10, tickMs: 60_000 }, clock: () => NOW });
  await job.runOnce();
  t.same(inputs, [{ certificateType: 'V2GCertificate' }], 'the job says which certificate');
  await job.stop();
});
