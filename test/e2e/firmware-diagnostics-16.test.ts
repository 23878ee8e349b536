import t from 'tap';
import { startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// Issue #12: 1.6 UpdateFirmware and GetDiagnostics carry no requestId, yet each is recorded as a
// request and completed by the station's FirmwareStatusNotification / DiagnosticsStatusNotification
// (which complete the newest request of the action). Strict ocpp-rpc 1.6 client.

const PASSWORD = 'firmware-diagnostics-pw';

t.test('1.6 UpdateFirmware and GetDiagnostics tracked as requests', async (t) => {
  const server = await startServer(t);
  await server.registerStation('FD-16', PASSWORD);
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'FD-16', password: PASSWORD, version: 'ocpp1.6' });
  t.equal(((await client.call('BootNotification', bootPayload('ocpp1.6'))) as { status: string }).status, 'Accepted');
  client.handle('UpdateFirmware', async () => ({}));
  client.handle('GetDiagnostics', async () => ({ fileName: 'diag-FD-16.zip' }));
  const request = async (id: number) => (await server.apiJson('GET', `/stations/FD-16/requests/${id}`)).body;

  const first = await server.apiJson('POST', '/stations/FD-16/ocpp/UpdateFirmware', { location: 'https://fw.example/1.bin', retrieveDate: new Date().toISOString() });
  t.equal(first.status, 200);
  const firstId = first.body.facts.requestId as number;
  t.type(firstId, 'number');
  t.match(await request(firstId), { action: 'UpdateFirmware', status: 'accepted', answer: 'Accepted' });

  const second = await server.apiJson('POST', '/stations/FD-16/ocpp/UpdateFirmware', { location: 'https://fw.example/2.bin', retrieveDate: new Date().toISOString() });
  const secondId = second.body.facts.requestId as number;
  t.not(secondId, firstId);
  t.same(await client.call('FirmwareStatusNotification', { status: 'Downloading' }), {});
  t.match(await request(secondId), { status: 'receiving', progress: 'Downloading' }, 'the newest request takes the status');
  t.match(await request(firstId), { status: 'accepted', progress: null }, 'the older one is not touched');
  t.same(await client.call('FirmwareStatusNotification', { status: 'Installed' }), {});
  t.match(await request(secondId), { status: 'complete', progress: 'Installed' });
  const events = await server.apiJson('GET', '/stations/FD-16/events?kind=firmware-status');
  t.match(events.body.items, [{ type: 'Installed', requestId: secondId }, { type: 'Downloading', requestId: secondId }], 'the events name the request');

  const diag = await server.apiJson('POST', '/stations/FD-16/ocpp/GetDiagnostics', { location: 'ftp://diag.example/' });
  t.equal(diag.status, 200);
  t.equal(diag.body.result.fileName, 'diag-FD-16.zip');
  const diagId = diag.body.facts.requestId as number;
  t.match(await request(diagId), { action: 'GetDiagnostics', status: 'accepted', result: { fileName: 'diag-FD-16.zip' } });
  t.same(await client.call('DiagnosticsStatusNotification', { status: 'Uploading' }), {});
  t.same(await client.call('DiagnosticsStatusNotification', { status: 'UploadFailed' }), {});
  t.match(await request(diagId), { status: 'failed', progress: 'UploadFailed' });
  t.same(await client.call('DiagnosticsStatusNotification', { status: 'Idle' }), {}, 'a status after the end is still answered');
  t.match(await request(diagId), { status: 'failed' }, 'and changes nothing');
});
