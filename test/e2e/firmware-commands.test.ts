import t from 'tap';
import { startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// Issue #12, block L: the typed firmware endpoints map to each version (strict ocpp-rpc stations
// validate what they receive), record the request, and the status notifications build its history.

const PASSWORD = 'firmware-commands-pw';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const CHECKSUM = '0123456789abcdef0123456789abcdef';

t.test('typed firmware commands per version', async (t) => {
  const server = await startServer(t);

  await t.test('1.6: UpdateFirmware, and SignedUpdateFirmware when signed', async (t) => {
    await server.registerStation('FWCMD-16', PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'FWCMD-16', password: PASSWORD, version: 'ocpp1.6' });
    await client.call('BootNotification', bootPayload('ocpp1.6'));
    const got: Array<{ action: string; params: any }> = [];
    client.handle('UpdateFirmware', async ({ params }) => (got.push({ action: 'UpdateFirmware', params }), {}));
    client.handle('SignedUpdateFirmware', async ({ params }) => (got.push({ action: 'SignedUpdateFirmware', params }), { status: 'Accepted' }));

    const plain = await server.apiJson('POST', '/stations/FWCMD-16/firmware/update', { location: 'https://fw.example/a.bin', retries: 2 });
    t.equal(plain.status, 200);
    t.match(plain.body, { action: 'UpdateFirmware', protocol: 'ocpp1.6', result: {}, request: { action: 'UpdateFirmware', status: 'accepted' } });
    t.match(got[0], { action: 'UpdateFirmware', params: { location: 'https://fw.example/a.bin', retries: 2, retrieveDate: String } });
    t.notOk('requestId' in got[0]!.params, '1.6 UpdateFirmware carries no requestId');
    await client.call('FirmwareStatusNotification', { status: 'Downloading' });
    await client.call('FirmwareStatusNotification', { status: 'Installed' });
    const plainHistory = await server.apiJson('GET', `/stations/FWCMD-16/requests/${plain.body.requestId}/statuses`);
    t.match(plainHistory.body, { request: { status: 'complete' }, statuses: [{ kind: 'firmware-status', status: 'Downloading' }, { status: 'Installed' }] });

    const signed = await server.apiJson('POST', '/stations/FWCMD-16/firmware/update', {
      location: 'https://fw.example/b.bin', signingCertificate: CERT, signature: 'c2lnbmF0dXJl', installDateTime: '2030-01-01T00:00:00.000Z',
    });
    t.equal(signed.status, 200);
    t.match(signed.body, { action: 'SignedUpdateFirmware', result: { status: 'Accepted' }, request: { action: 'SignedUpdateFirmware', status: 'accepted' } });
    t.match(got[1], { action: 'SignedUpdateFirmware', params: { requestId: signed.body.requestId, firmware: { location: 'https://fw.example/b.bin', signingCertificate: CERT, signature: 'c2lnbmF0dXJl', installDateTime: '2030-01-01T00:00:00.000Z' } } });
    await client.call('SignedFirmwareStatusNotification', { status: 'Downloading', requestId: signed.body.requestId });
    await client.call('SignedFirmwareStatusNotification', { status: 'InvalidSignature', requestId: signed.body.requestId });
    const signedHistory = await server.apiJson('GET', `/stations/FWCMD-16/requests/${signed.body.requestId}/statuses`);
    t.match(signedHistory.body, { request: { status: 'failed', error: 'InvalidSignature' }, statuses: [{ kind: 'signed-firmware-status', status: 'Downloading' }, { status: 'InvalidSignature' }] });

    const publish = await server.apiJson('POST', '/stations/FWCMD-16/firmware/publish', { location: 'https://fw.example/c.bin', checksum: CHECKSUM });
    t.equal(publish.status, 400);
    t.equal(publish.body.code, 'WRONG_PROTOCOL', '1.6 has no PublishFirmware');
  });

  await t.test('2.0.1: UpdateFirmware with requestId, PublishFirmware, UnpublishFirmware', async (t) => {
    await server.registerStation('FWCMD-2', PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'FWCMD-2', password: PASSWORD, version: 'ocpp2.0.1' });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    let update: any;
    client.handle('UpdateFirmware', async ({ params }) => ((update = params), { status: 'Rejected', statusInfo: { reasonCode: 'Busy' } }));
    client.handle('PublishFirmware', async () => ({ status: 'Accepted' }));
    client.handle('UnpublishFirmware', async () => ({ status: 'Unpublished' }));

    const rejected = await server.apiJson('POST', '/stations/FWCMD-2/firmware/update', { location: 'https://fw.example/d.bin', requestId: 77 });
    t.equal(rejected.status, 200);
    t.match(rejected.body, { action: 'UpdateFirmware', protocol: 'ocpp2.0.1', requestId: 77, result: { status: 'Rejected' }, request: { status: 'rejected', error: 'Busy' } });
    t.match(update, { requestId: 77, firmware: { location: 'https://fw.example/d.bin', retrieveDateTime: String } });

    const published = await server.apiJson('POST', '/stations/FWCMD-2/firmware/publish', { location: 'https://fw.example/e.bin', checksum: CHECKSUM });
    t.match(published.body, { action: 'PublishFirmware', result: { status: 'Accepted' }, request: { action: 'PublishFirmware', status: 'accepted' } });
    const requestId = published.body.requestId;
    await client.call('PublishFirmwareStatusNotification', { status: 'Downloading', requestId });
    await client.call('PublishFirmwareStatusNotification', { status: 'Published', requestId, location: ['https://lc.local/e.bin'] });
    const history = await server.apiJson('GET', `/stations/FWCMD-2/requests/${requestId}/statuses`);
    t.match(history.body, { request: { status: 'complete', progress: 'Published' }, statuses: [{ kind: 'publish-firmware-status', status: 'Downloading' }, { status: 'Published', payload: { location: ['https://lc.local/e.bin'] } }] });

    const unpublished = await server.apiJson('POST', '/stations/FWCMD-2/firmware/unpublish', { checksum: CHECKSUM });
    t.match(unpublished.body, { action: 'UnpublishFirmware', result: { status: 'Unpublished' } });
    const bad = await server.apiJson('POST', '/stations/FWCMD-2/firmware/unpublish', { checksum: 'nope' });
    t.equal(bad.body.code, 'VALIDATION_FAILED');
    const diag = await server.apiJson('POST', '/stations/FWCMD-2/diagnostics', {});
    t.equal(diag.body.code, 'WRONG_PROTOCOL', '2.x has GetLog, not GetDiagnostics');
    t.equal((await server.apiJson('GET', '/stations/FWCMD-2/requests/999/statuses')).body.code, 'REQUEST_NOT_FOUND');
  });
});
