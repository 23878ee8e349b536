import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type Version } from '../helpers/ocpp-clients.js';

// Issue #12, logs and diagnostics: the operator asks for a log with no upload location; the
// station (a strict ocpp-rpc client of each version) gets a one-time URL of the CSMS's own API,
// uploads its file there with plain HTTP, reports LogStatusNotification / DiagnosticsStatusNotification,
// and the operator downloads exactly those bytes. Wrong, used and oversized uploads are refused
// with stable codes and leave nothing behind.

const PASSWORD = 'log-upload-password';
const MAX_BYTES = 64 * 1024;

t.test('log upload end to end, per version', async (t) => {
  const server = await startServer(t, { env: { CSMS_UPLOAD_MAX_BYTES: String(MAX_BYTES) } });

  const cases: Array<{ version: Version; kind: 'GetLog' | 'GetDiagnostics' }> = [
    { version: 'ocpp1.6', kind: 'GetDiagnostics' },
    { version: 'ocpp1.6', kind: 'GetLog' },
    { version: 'ocpp2.0.1', kind: 'GetLog' },
    { version: 'ocpp2.1', kind: 'GetLog' },
  ];
  for (const { version, kind } of cases) {
    await t.test(`${version} ${kind}`, async (t) => {
      const id = `LOG-${version.replace(/\W/g, '')}-${kind}`;
      await server.registerStation(id, PASSWORD);
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      await client.call('BootNotification', bootPayload(version));
      let received: Record<string, any> | undefined;
      if (kind === 'GetLog') {
        client.handle('GetLog', async ({ params }) => {
          received = params as Record<string, any>;
          return { status: 'Accepted', filename: 'station.log' };
        });
      } else {
        client.handle('GetDiagnostics', async ({ params }) => {
          received = params as Record<string, any>;
          return { fileName: 'diagnostics.zip' };
        });
      }

      const path = kind === 'GetLog' ? `/stations/${id}/logs` : `/stations/${id}/diagnostics`;
      const asked = await server.apiJson('POST', path, kind === 'GetLog' ? { logType: 'DiagnosticsLog' } : {});
      t.equal(asked.status, 200, JSON.stringify(asked.body));
      const { uploadUrl, requestId, fileUrl } = asked.body;
      t.match(uploadUrl, new RegExp(`^${server.apiUrl}/uploads/[A-Za-z0-9_-]{43}$`), 'a one-time URL of this API');
      t.type(requestId, 'number');
      t.match(asked.body.request, { action: kind, status: 'accepted' }, 'the stored request comes back with the answer');
      const sentLocation = kind === 'GetLog' ? received?.log?.remoteLocation : received?.location;
      t.equal(sentLocation, uploadUrl, 'the station received that URL');
      if (kind === 'GetLog') t.equal(received?.requestId, requestId);

      const before = await server.api(fileUrl);
      t.equal(before.status, 404, 'nothing to download before the upload');
      t.equal(((await before.json()) as any).code, 'LOG_FILE_NOT_FOUND');

      const statusAction = kind === 'GetLog' ? 'LogStatusNotification' : 'DiagnosticsStatusNotification';
      const status = (s: string) => (kind === 'GetLog' ? { status: s, requestId } : { status: s });
      await client.call(statusAction, status('Uploading'));
      const content = Buffer.from(`${id} log line\n`.repeat(200));
      // The station uploads like any HTTP client would: no API key, just the URL it was given.
      const put = await fetch(sentLocation, { method: kind === 'GetLog' ? 'PUT' : 'POST', body: content, headers: { 'content-type': 'application/octet-stream' } });
      t.equal(put.status, 201);
      t.match((await put.json()) as any, { stationId: id, requestId, size: content.length });
      await client.call(statusAction, status('Uploaded'));

      const again = await fetch(sentLocation, { method: 'PUT', body: 'second try' });
      t.equal(again.status, 409, 'the URL works once');
      t.equal(((await again.json()) as any).code, 'UPLOAD_TOKEN_USED');

      const download = await server.api(fileUrl);
      t.equal(download.status, 200);
      t.same(Buffer.from(await download.arrayBuffer()), content, 'the operator gets the bytes the station sent');
      t.match(download.headers.get('content-disposition'), /attachment; filename=/);

      const history = await server.apiJson('GET', `/stations/${id}/requests/${requestId}/statuses`);
      t.equal(history.status, 200);
      t.match(history.body.request, { status: 'complete', progress: 'Uploaded' });
      t.same(history.body.statuses.map((s: { status: string }) => s.status), ['Uploading', 'Uploaded'], 'status history, oldest first');
    });
  }

  await t.test('bad uploads: wrong token, too large, multipart form', async (t) => {
    const id = 'LOG-BAD';
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp2.0.1' });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    client.handle('GetLog', async () => ({ status: 'Accepted' }));

    const wrong = await fetch(`${server.apiUrl}/uploads/${'A'.repeat(43)}`, { method: 'PUT', body: 'x' });
    t.equal(wrong.status, 404);
    t.equal(((await wrong.json()) as any).code, 'UPLOAD_TOKEN_INVALID');
    const garbage = await fetch(`${server.apiUrl}/uploads/not-a-token`, { method: 'POST', body: 'x' });
    t.equal(((await garbage.json()) as any).code, 'UPLOAD_TOKEN_INVALID');

    const asked = await server.apiJson('POST', `/stations/${id}/logs`, { logType: 'SecurityLog' });
    t.equal(asked.status, 200);
    const { uploadUrl, fileUrl } = asked.body;
    const big = await fetch(uploadUrl, { method: 'PUT', body: Buffer.alloc(MAX_BYTES + 1, 1) });
    t.equal(big.status, 413);
    t.equal(((await big.json()) as any).code, 'UPLOAD_TOO_LARGE');
    t.equal((await server.api(fileUrl)).status, 404, 'nothing stored');
    // Without Content-Length (chunked), the limit holds while streaming.
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(MAX_BYTES / 4));
        controller.close();
      },
    });
    const streamed = await fetch(uploadUrl, { method: 'PUT', body: chunks, duplex: 'half' } as RequestInit);
    t.equal(streamed.status, 413, 'a chunked upload over the limit is cut off');
    t.equal((await server.api(fileUrl)).status, 404, 'nothing stored');
    const dir = join(server.dataDir, 'uploads', 'default', id);
    t.same(readdirSync(dir), [], 'no partial file left behind');

    // The refused uploads did not use the URL up: a form upload of the right size goes through.
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('security log body')]), 'security.log');
    const ok = await fetch(uploadUrl, { method: 'POST', body: form });
    t.equal(ok.status, 201);
    t.match((await ok.json()) as any, { fileName: 'security.log', size: 17 });
    const download = await server.api(fileUrl);
    t.equal(await download.text(), 'security log body', 'the file part of the form, not the form');
  });

  await t.test('a log status for a request the CSMS never made is answered and kept as uncorrelated', async (t) => {
    const id = 'LOG-UNKNOWN';
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp2.0.1' });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    t.same(await client.call('LogStatusNotification', { status: 'Uploaded', requestId: 4242 }), {});
    t.same(await client.call('FirmwareStatusNotification', { status: 'Installed', requestId: 4243 }), {});
    const events = await server.apiJson('GET', `/stations/${id}/events`);
    t.match(events.body.items, [
      { kind: 'firmware-status', type: 'Installed', requestId: 4243 },
      { kind: 'log-status', type: 'Uploaded', requestId: 4242 },
    ]);
    t.equal((await server.apiJson('GET', `/stations/${id}/requests/4242`)).status, 404, 'no request was invented for it');
  });
});
