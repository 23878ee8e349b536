import type { Test } from 'tap';
import { startServer, type TestServer } from '../helpers/server.js';
import { connectStrict, bootPayload, type StrictClient } from '../helpers/ocpp-clients.js';
import { chromiumTest, launchUiBrowser } from '../helpers/chromium.js';

/**
 * The operator UI in Debian's Chromium (playwright-core, never a downloaded browser) against a real
 * server and strict ocpp-rpc stations. Screenshots of each page go to SCREENSHOTS (looked at by a
 * person; docs/ui-stations.png comes from there).
 */
const ADMIN_PASSWORD = 'admin-password-for-ui-tests';
const PASSWORD = 'a long enough password';

chromiumTest('operator UI in Chromium', run);

async function run(t: Test) {
  const outer = t;
  const server = await startServer(t, { env: { CSMS_ADMIN_PASSWORD: ADMIN_PASSWORD, CSMS_ALLOW_UNKNOWN_STATIONS: 'false' } });
  const { newPage, login, shot } = await launchUiBrowser(t, server.apiUrl);
  const asAdminKey = async (method: string, path: string, body?: unknown, tenant?: string) => {
    const res = await server.api(path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(tenant ? { 'x-tenant-id': tenant } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  };
  for (const [username, role, tenantId] of [['olga', 'operator', 'default'], ['vic', 'viewer', 'default'], ['bea', 'operator', 'beta']]) {
    const r = await asAdminKey('POST', '/admin/users', { username, password: PASSWORD, role, tenantId });
    t.equal(r.status, 201, `user ${username} created`);
  }
  await server.registerStation('CS-UI-1', 'station-password-ui-1');
  t.equal((await asAdminKey('POST', '/stations', { id: 'CS-BETA-1', password: 'station-password-beta' }, 'beta')).status, 201);


  let station: StrictClient;
  const resets: unknown[] = [];

  await t.test('log in: a wrong password is refused, the right one opens the dashboard', async (t) => {
    const { page } = await newPage();
    await login(page, 'olga', 'not the password');
    await page.getByRole('alert').getByText('Wrong username or password').waitFor();
    t.pass('wrong password refused, shown on the page');
    await shot(page, '01-login-refused');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    t.pass('logged in');
    await page.getByText('● live').waitFor();
    t.pass('live updates connected');

    // The station connects while the stations page is open: its row and green dot appear without a reload.
    await page.getByRole('link', { name: 'Stations', exact: true }).click();
    await page.getByRole('heading', { name: 'Stations' }).waitFor();
    station = await connectStrict(outer, { endpoint: server.ocppUrl, identity: 'CS-UI-1', password: 'station-password-ui-1', version: 'ocpp1.6' });
    station.handle('Reset', async ({ params }: any) => {
      resets.push(params);
      return { status: 'Accepted' };
    });
    await station.call('BootNotification', bootPayload('ocpp1.6', { vendor: 'Acme', model: 'Volt-22' }));
    await station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
    await page.locator('tr[data-station="CS-UI-1"] [data-dot="online"]').waitFor();
    t.pass('the status dot turned green without a reload');
    await page.locator('tr[data-station="CS-UI-1"]').getByText('Volt-22').waitFor();
    await shot(page, '02-stations');
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await page.getByTestId('online-count').getByText('1', { exact: true }).waitFor();
    await shot(page, '03-dashboard');
  });

  await t.test('station detail and a Reset from the command console, with the station’s answer', async (t) => {
    const { page } = await newPage();
    await login(page, 'olga', PASSWORD);
    await page.goto(server.apiUrl + '/#/stations/CS-UI-1');
    await page.getByRole('heading', { name: 'CS-UI-1' }).waitFor();
    await page.getByText('Acme').waitFor();
    await page.locator('tr[data-connector="0/1"], tr[data-connector="1/1"]').first().waitFor();
    await shot(page, '04-station');
    await page.getByRole('tab', { name: 'Messages' }).click();
    await page.getByText('BootNotification').first().waitFor();
    await shot(page, '05-messages');
    await page.getByRole('link', { name: 'Command console' }).click();
    await page.getByRole('heading', { name: 'Console · CS-UI-1' }).waitFor();
    await page.getByLabel('Reset type').selectOption('Hard');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    const answer = page.getByTestId('answer');
    await answer.getByText('"Accepted"').waitFor();
    t.match(await answer.textContent(), /Reset: answered/);
    t.same(resets, [{ type: 'Hard' }], 'the station got the Reset');
    // The form generated from the official schema: Reset's required enum `type` as a select.
    await page.getByLabel('Action', { exact: true }).selectOption('Reset');
    const form = page.getByRole('form', { name: 'Reset form' });
    await form.locator('select[name="type"]').selectOption('Soft');
    await form.getByRole('button', { name: 'Send Reset' }).click();
    await page.getByTestId('answer').getByText('"Accepted"').waitFor();
    t.same(resets, [{ type: 'Hard' }, { type: 'Soft' }], 'the generated form sent a valid Reset');
    await shot(page, '06-console');
  });

  await t.test('remote start and stop: the transaction is listed with the right kWh', async (t) => {
    const { page } = await newPage();
    await login(page, 'olga', PASSWORD);
    let transactionId = 0;
    const t0 = Date.now() - 60 * 60_000;
    const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
    station.handle('RemoteStartTransaction', async ({ params }: any) => {
      setImmediate(async () => {
        const r = (await station.call('StartTransaction', { connectorId: params.connectorId ?? 1, idTag: params.idTag, meterStart: 1000, timestamp: at(0) })) as { transactionId: number };
        transactionId = r.transactionId;
        for (let m = 10; m <= 50; m += 10) {
          await station.call('MeterValues', {
            connectorId: 1, transactionId,
            meterValue: [{ timestamp: at(m), sampledValue: [
              { value: String(1000 + m * 250), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' },
              { value: String(m === 50 ? 7000 : 11000), measurand: 'Power.Active.Import', unit: 'W', context: 'Sample.Periodic' },
            ] }],
          });
        }
      });
      return { status: 'Accepted' };
    });
    station.handle('RemoteStopTransaction', async ({ params }: any) => {
      setImmediate(() => void station.call('StopTransaction', { transactionId: params.transactionId, meterStop: 13500, timestamp: at(55), reason: 'Remote' }));
      return { status: 'Accepted' };
    });
    await page.goto(server.apiUrl + '/#/stations/CS-UI-1/console');
    await page.getByLabel('Id token').fill('TAG-UI-1');
    await page.getByRole('button', { name: 'Remote start' }).click();
    await page.getByTestId('answer').getByText('Remote start: answered').waitFor();
    await page.getByTestId('answer').getByText('"Accepted"').waitFor();
    await page.goto(server.apiUrl + '/#/transactions');
    const row = () => page.locator(`tr[data-transaction="${transactionId}"]`);
    await page.locator('tr[data-transaction]').first().waitFor();
    await row().getByText('yes', { exact: true }).waitFor();
    t.pass('the active transaction is listed');
    // Stop it from the console; the table follows live.
    await page.goto(server.apiUrl + '/#/stations/CS-UI-1/console');
    await page.getByLabel('Transaction id').fill(String(transactionId));
    await page.getByRole('button', { name: 'Remote stop' }).click();
    await page.getByTestId('answer').getByText('Remote stop: answered').waitFor();
    await page.goto(server.apiUrl + '/#/transactions');
    await row().locator('td[data-kwh]').getByText('12.50 kWh').waitFor();
    await row().getByText('Remote').waitFor();
    t.equal(await row().locator('td').nth(2).textContent(), 'no', 'ended');
    t.pass('12.5 kWh (13500 − 1000 Wh), stopped reason Remote');
    await shot(page, '07-transactions');
    await row().getByRole('link', { name: String(transactionId), exact: true }).click();
    await page.getByTestId('tx-kwh').getByText('12.50 kWh').waitFor();
    await page.locator('.chart canvas').waitFor();
    t.pass('power and energy chart drawn');
    await shot(page, '08-transaction');
  });

  await t.test('a viewer cannot send commands: the UI and the API refuse', async (t) => {
    const { page } = await newPage();
    await login(page, 'vic', PASSWORD);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(server.apiUrl + '/#/stations/CS-UI-1/console');
    await page.getByText('Your role (viewer) cannot send commands.').waitFor();
    t.ok(await page.getByRole('button', { name: 'Reset', exact: true }).isDisabled(), 'the Reset button is disabled');
    t.equal(await page.getByRole('link', { name: 'Users & keys' }).count(), 0, 'no administration in the navigation');
    const before = resets.length;
    const refused = await page.evaluate(async () => {
      const me = (await (await fetch('/auth/me')).json()) as { csrfToken: string };
      const res = await fetch('/stations/CS-UI-1/reset', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify({ type: 'Hard' }) });
      return { status: res.status, body: await res.json() };
    });
    t.match(refused, { status: 403, body: { code: 'FORBIDDEN' } }, 'the API refuses the viewer with its own session and CSRF token');
    t.equal(resets.length, before, 'nothing reached the station');
    await shot(page, '09-viewer-console');
  });

  await t.test("a user of tenant beta sees nothing of tenant default", async (t) => {
    const beta = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CS-BETA-1', password: 'station-password-beta', version: 'ocpp2.0.1' });
    await beta.call('BootNotification', bootPayload('ocpp2.0.1', { vendor: 'BetaCorp', model: 'B-1' }));
    const { page } = await newPage({ colorScheme: 'dark' });
    await login(page, 'bea', PASSWORD);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(server.apiUrl + '/#/stations');
    await page.locator('tr[data-station="CS-BETA-1"]').waitFor();
    t.equal(await page.locator('tr[data-station="CS-UI-1"]').count(), 0, "tenant default's station not listed");
    await page.goto(server.apiUrl + '/#/transactions');
    await page.getByText('No transactions match.').waitFor();
    t.pass("no transaction of tenant default");
    const direct = await page.evaluate(async () => (await fetch('/stations/CS-UI-1')).status);
    t.equal(direct, 404, "tenant default's station is not found by id");
    const other = await page.evaluate(async () => (await fetch('/stations', { headers: { 'x-tenant-id': 'default' } })).status);
    t.equal(other, 403, 'asking for another tenant is refused');
    await page.goto(server.apiUrl + '/#/stations');
    await page.locator('tr[data-station="CS-BETA-1"]').waitFor();
    await shot(page, '10-tenant-beta-dark');
    await beta.close();
  });

  await t.test('admin: users, keys and the audit log of the commands sent', async (t) => {
    const { page } = await newPage();
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Users & keys' }).click();
    const audit = page.getByRole('table', { name: 'Audit log' });
    await audit.waitFor();
    // Commands only: the log also holds the changes (users created for this test, by vic's name too).
    await page.getByLabel('Audit kind').selectOption('commands');
    await audit.locator('tr[data-audit="change"]').first().waitFor({ state: 'detached' });
    const text = (await audit.textContent()) ?? '';
    t.match(text, /olga/);
    t.match(text, /Reset/);
    t.match(text, /RemoteStartTransaction/);
    t.match(text, /RemoteStopTransaction/);
    t.notMatch(text, /vic/, "the viewer's refused command reached nothing, so it is not audited");
    await shot(page, '11-users');

    await page.getByRole('link', { name: 'Id tokens' }).click();
    const form = page.getByRole('form', { name: 'New id token' });
    await form.getByLabel('Id token').fill('TAG-NEW-1');
    await form.getByRole('button', { name: 'Add' }).click();
    const row = page.getByRole('row').filter({ hasText: 'TAG-NEW-1' });
    await row.getByText('Accepted').waitFor();
    await row.getByRole('button', { name: 'Block' }).click();
    await row.getByText('Blocked').waitFor();
    t.match((await server.apiJson('GET', '/tokens/TAG-NEW-1')).body, { idToken: 'TAG-NEW-1', status: 'Blocked' }, 'created and blocked from the UI');
    await shot(page, '12-tokens');
  });

  await station!.close();
}
