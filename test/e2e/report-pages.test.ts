import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// Paged reports (issue #12) with strict ocpp-rpc stations: a report that stops (tbc=true, then
// silence) ends failed with the reason after CSMS_REPORT_TIMEOUT_SEC, its pages kept; pages out of
// order or repeated are kept once per seqNo; CustomerInformation through its typed route, its
// pages readable per request and an accepted clear recorded.

const PASSWORD = 'report-pages-pw-001';
const server = await startServer(t, { env: { CSMS_REPORT_TIMEOUT_SEC: '2' } });

const variable = (name: string, value: string) => ({
  component: { name },
  variable: { name: 'Value' },
  variableAttribute: [{ type: 'Actual', value, mutability: 'ReadOnly' }],
  variableCharacteristics: { dataType: 'string', supportsMonitoring: false },
});

for (const version of ['ocpp2.0.1', 'ocpp2.1'] as const) {
  t.test(`${version}: a report that never finishes fails with the reason; its pages are kept`, async (t) => {
    const id = `NEVER-${version.replace(/\W/g, '')}`;
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
    await client.call('BootNotification', bootPayload(version));
    let pages: Promise<unknown> | undefined;
    client.handle('GetBaseReport', async ({ params }) => {
      const { requestId } = params as { requestId: number };
      const generatedAt = new Date().toISOString();
      pages = new Promise((r) => setTimeout(r, 10)).then(async () => {
        await client.call('NotifyReport', { requestId, generatedAt, seqNo: 0, tbc: true, reportData: [variable('PartZero', 'a')] });
        await client.call('NotifyReport', { requestId, generatedAt, seqNo: 0, tbc: true, reportData: [variable('PartZero', 'a')] });
        await client.call('NotifyReport', { requestId, generatedAt, seqNo: 2, tbc: true, reportData: [variable('PartTwo', 'c')] });
        // …and then nothing: seqNo 1 and the last part never come.
      });
      return { status: 'Accepted' };
    });
    const command = await server.apiJson('POST', `/stations/${id}/ocpp/GetBaseReport`, { reportBase: 'FullInventory' });
    t.equal(command.status, 200);
    const requestId = command.body.facts.requestId as number;
    await eventually(async () => pages !== undefined, 10_000, 'the station got GetBaseReport');
    await pages;
    const receiving = (await server.apiJson('GET', `/stations/${id}/requests/${requestId}`)).body;
    t.match(receiving, { status: 'receiving', parts: 2, seqNos: [0, 2] }, 'the repeated page counted once');
    const failed = await eventually(async () => {
      const r = (await server.apiJson('GET', `/stations/${id}/requests/${requestId}`)).body;
      return r.status === 'failed' && r;
    }, 30_000, 'the request to fail');
    t.match(failed, { status: 'failed', parts: 2, seqNos: [0, 2], expiresAt: null });
    t.equal(failed.error, 'timed out after 2 s without a message: received seqNo 0, 2; missing seqNo 1; the last part (tbc=false) never came');
    const listed = await server.apiJson('GET', `/stations/${id}/requests?status=failed`);
    t.same(listed.body.items.map((r: { requestId: number }) => r.requestId), [requestId], 'stored as failed: listed by status');
    const model = await server.apiJson('GET', `/stations/${id}/device-model`);
    t.same(model.body.items.map((v: { component: { name: string } }) => v.component.name).sort(), ['PartTwo', 'PartZero'], 'the pages received are kept');
    // A late part is still answered and kept, and changes the failed request no more.
    t.same(await client.call('NotifyReport', { requestId, generatedAt: new Date().toISOString(), seqNo: 1, tbc: false, reportData: [variable('PartOne', 'b')] }), {});
    t.match((await server.apiJson('GET', `/stations/${id}/requests/${requestId}`)).body, { status: 'failed', parts: 2 });
    await client.close();
  });
}

t.test('2.0.1 CustomerInformation: typed route, pages out of order and repeated kept once, clear recorded', async (t) => {
  const id = 'CUSTINFO-201';
  await server.registerStation(id, PASSWORD);
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp2.0.1' });
  await client.call('BootNotification', bootPayload('ocpp2.0.1'));
  let got: Record<string, unknown> | undefined;
  let pages: Promise<unknown> | undefined;
  client.handle('CustomerInformation', async ({ params }) => {
    got = params as Record<string, unknown>;
    const requestId = got.requestId as number;
    const generatedAt = new Date().toISOString();
    pages = new Promise((r) => setTimeout(r, 10)).then(async () => {
      for (const [seqNo, data, tbc] of [[1, 'card=B;', true], [0, 'name=A;', true], [1, 'card=B;', true], [2, 'tariff=C', false]] as const) {
        await client.call('NotifyCustomerInformation', { requestId, generatedAt, seqNo, tbc, data });
      }
    });
    return { status: 'Accepted' };
  });
  const sent = await server.apiJson('POST', `/stations/${id}/customer-information`, { report: true, clear: true, idToken: { idToken: 'CUST-1', type: 'ISO14443' } });
  t.equal(sent.status, 200);
  t.match(sent.body, { action: 'CustomerInformation', result: { status: 'Accepted' }, request: { action: 'CustomerInformation' } });
  const requestId = sent.body.requestId as number;
  t.match(got, { requestId, report: true, clear: true, idToken: { idToken: 'CUST-1', type: 'ISO14443' } }, 'the station got the 2.x request');
  await eventually(async () => pages !== undefined, 10_000, 'the pages');
  await pages;
  const view = await server.apiJson('GET', `/stations/${id}/customer-information/${requestId}`);
  t.equal(view.status, 200);
  t.match(view.body, { request: { status: 'complete', parts: 3, seqNos: [0, 1, 2] }, data: 'name=A;card=B;tariff=C', complete: true, missing: [], duplicates: 1 });
  t.same(view.body.pages.map((p: { seqNo: number }) => p.seqNo), [0, 1, 2]);
  t.match(view.body.cleared, { identifiedBy: ['idToken'] }, 'the accepted clear is recorded');
  t.notOk(JSON.stringify(view.body.cleared).includes('CUST-1'), 'without the identifier');
  t.equal((await server.apiJson('GET', `/stations/${id}/customer-information/999`)).status, 404);
  await client.close();
});

t.test('1.6: CustomerInformation does not exist', async (t) => {
  const id = 'CUSTINFO-16';
  await server.registerStation(id, PASSWORD);
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp1.6' });
  await client.call('BootNotification', bootPayload('ocpp1.6'));
  const sent = await server.apiJson('POST', `/stations/${id}/customer-information`, { report: true, clear: false, customerIdentifier: 'x' });
  t.equal(sent.status, 400);
  t.equal(sent.body.code, 'WRONG_PROTOCOL');
  await client.close();
});
