import type { Test } from 'tap';
import type { Page } from 'playwright-core';
import { eventually, startServer } from '../helpers/server.js';
import { connectStrict, bootPayload, type StrictClient } from '../helpers/ocpp-clients.js';
import { chromiumTest, launchUiBrowser } from '../helpers/chromium.js';
import { EmspSimulator } from '../helpers/emsp-simulator.js';

/**
 * The operator UI's feature pages (issue #15: sites and load, tariffs, reservations, firmware
 * campaigns, certificates, OCPI partners) in Debian's Chromium against a real server, strict
 * ocpp-rpc stations and an eMSP simulator. Screenshots go to SCREENSHOTS (looked at by a person).
 */
const ADMIN_PASSWORD = 'admin-password-for-ui-pages';
const PASSWORD = 'a long enough password';
const STATION_PASSWORD = 'station-password-ui-pages';

/** An OCPI 2.2.1 location of our party NL*SWY with one EVSE mapped to an OCPP station. */
const location = (id: string, stationId: string) => ({
  country_code: 'NL', party_id: 'SWY', id, publish: true, name: `Location ${id}`, address: 'Stationsplein 1', city: 'Utrecht', country: 'NLD',
  coordinates: { latitude: '52.089444', longitude: '5.110278' }, time_zone: 'Europe/Amsterdam',
  evses: [{
    uid: `${id}-E1`, evse_id: `NL*SWY*E${id}1`, ocpp: { stationId, evseId: 1 },
    connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
  }],
});

chromiumTest('operator UI feature pages in Chromium', run);

async function run(t: Test) {
  const server = await startServer(t, {
    env: {
      CSMS_ADMIN_PASSWORD: ADMIN_PASSWORD, CSMS_UNKNOWN_TOKENS: 'accept-all', CSMS_SITE_DEBOUNCE_MS: '20', CSMS_CAMPAIGN_TICK_MS: '50',
      CSMS_OCPI_RETRY_BASE_MS: '100', CSMS_OCPI_RETRY_MAX_MS: '500', CSMS_OCPI_TICK_MS: '100',
    },
  });
  const { loggedInPage, shot } = await launchUiBrowser(t, server.apiUrl);
  for (const [username, role] of [['olga', 'operator'], ['vic', 'viewer']]) {
    t.equal((await server.apiJson('POST', '/admin/users', { username, password: PASSWORD, role, tenantId: 'default' })).status, 201, `user ${username} created`);
  }

  // CS-P-1 (1.6): reservations, site load, firmware. CS-P-2 (2.0.1): certificates.
  await server.registerStation('CS-P-1', STATION_PASSWORD);
  await server.registerStation('CS-P-2', STATION_PASSWORD);
  const one: StrictClient = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CS-P-1', password: STATION_PASSWORD, version: 'ocpp1.6' });
  const got: Record<string, any[]> = { ReserveNow: [], CancelReservation: [], SetChargingProfile: [], UpdateFirmware: [], GetInstalledCertificateIds: [] };
  one.handle('ReserveNow', async ({ params }) => (got.ReserveNow!.push(params), { status: 'Accepted' }));
  one.handle('CancelReservation', async ({ params }) => (got.CancelReservation!.push(params), { status: 'Accepted' }));
  one.handle('SetChargingProfile', async ({ params }) => (got.SetChargingProfile!.push(params), { status: 'Accepted' }));
  one.handle('UpdateFirmware', async ({ params }) => (got.UpdateFirmware!.push(params), {}));
  await one.call('BootNotification', bootPayload('ocpp1.6', { vendor: 'Acme', model: 'Volt-22' }));
  for (const connectorId of [1, 2]) await one.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
  const two: StrictClient = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CS-P-2', password: STATION_PASSWORD, version: 'ocpp2.0.1' });
  await two.call('BootNotification', bootPayload('ocpp2.0.1', { vendor: 'Acme', model: 'Volt-200' }));
  const reported = { hashAlgorithm: 'SHA256', issuerNameHash: 'a1'.repeat(32), issuerKeyHash: 'b2'.repeat(32), serialNumber: '1f2e3d' };
  two.handle('GetInstalledCertificateIds', async ({ params }) => {
    got.GetInstalledCertificateIds!.push(params);
    return { status: 'Accepted', certificateHashDataChain: [{ certificateType: 'ManufacturerRootCertificate', certificateHashData: reported }] };
  });

  const newPage = (username: string, password: string, colorScheme: 'light' | 'dark' = 'light') => loggedInPage(username, password, { colorScheme });
  /** A request with this page's own session and CSRF token (what the UI could send). */
  const fromPage = (page: Page, method: string, path: string, body?: unknown) =>
    page.evaluate(async ([method, path, body]) => {
      const me = (await (await fetch('/auth/me')).json()) as { csrfToken: string };
      const res = await fetch(path as string, { method: method as string, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    }, [method, path, body] as const);

  const olga = await newPage('olga', PASSWORD);

  await t.test('tariffs: the API’s validation error is shown, a tariff is created, listed and assigned', async (t) => {
    const page = olga;
    await page.getByRole('link', { name: 'Tariffs', exact: true }).click();
    await page.getByText('No tariffs yet').waitFor();
    await page.getByRole('link', { name: 'New tariff' }).click();
    await page.getByRole('heading', { name: 'New tariff' }).waitFor();
    await page.getByLabel('Tariff id').fill('DAY');
    await page.getByLabel('Name').fill('Daytime');
    await page.getByLabel('Tax %').fill('21');
    await page.getByLabel('Session fee').fill('0.50');
    await page.getByLabel('Energy per kWh').fill('0.35');
    await page.getByLabel('Idle fee per hour').fill('6');
    // Two periods covering the same minutes: the API refuses with TARIFF_INVALID and the page says so.
    await page.getByRole('button', { name: 'Add period' }).click();
    await page.getByRole('button', { name: 'Add period' }).click();
    await page.getByRole('button', { name: 'Create tariff' }).click();
    await page.getByRole('alert').getByText('(TARIFF_INVALID)').waitFor();
    t.match(await page.getByRole('alert').textContent(), /overlap/i, 'the API’s own message');
    await shot(page, 'p01-tariff-invalid');
    t.equal((await server.apiJson('GET', '/tariffs/DAY')).status, 404, 'nothing stored');
    await page.getByRole('button', { name: 'Remove period' }).last().click();
    await page.getByRole('group', { name: 'Period 1' }).getByLabel('Energy /kWh').fill('0.45');
    await page.getByRole('button', { name: 'Create tariff' }).click();
    const row = page.locator('tr[data-tariff="DAY"]');
    await row.waitFor();
    t.match(await row.textContent(), /Daytime.*EUR.*0\.35/, 'listed with its prices');
    t.match((await server.apiJson('GET', '/tariffs/DAY')).body, { currency: 'EUR', taxPercent: '21', sessionFee: '0.50', prices: { energy: '0.35', idleTime: '6' }, periods: [{ days: [1, 2, 3, 4, 5], start: '00:00', end: '24:00', energy: '0.45' }] });
    const assign = page.getByRole('form', { name: 'Assign a tariff' });
    await assign.getByLabel('Applies to').selectOption('station');
    await assign.getByLabel('Station id').fill('CS-P-1');
    await assign.getByRole('button', { name: 'Assign' }).click();
    await page.getByRole('table', { name: 'Tariff assignments' }).getByText('Station CS-P-1').waitFor();
    await row.getByText('Station CS-P-1').waitFor();
    t.match((await server.apiJson('GET', '/tariff-assignments')).body.items, [{ target: { kind: 'station', stationId: 'CS-P-1' }, tariffId: 'DAY' }]);
    await shot(page, 'p02-tariffs');
  });

  await t.test('a viewer sees tariffs but cannot create or change one: the UI and the API refuse', async (t) => {
    const page = await newPage('vic', PASSWORD);
    await page.getByRole('link', { name: 'Tariffs', exact: true }).click();
    await page.locator('tr[data-tariff="DAY"]').waitFor();
    t.equal(await page.getByRole('link', { name: 'New tariff' }).count(), 0, 'no New tariff link');
    t.equal(await page.getByRole('form', { name: 'Assign a tariff' }).count(), 0, 'no assignment form');
    await page.goto(server.apiUrl + '/#/tariffs/DAY');
    await page.getByText('Read only: the viewer role cannot change tariffs.').waitFor();
    t.ok(await page.getByLabel('Tax %').isDisabled(), 'fields are read only');
    const refused = await fromPage(page, 'PUT', '/tariffs/VIEWER', { currency: 'EUR', taxPercent: '0', prices: { energy: '1' } });
    t.match(refused, { status: 403, body: { code: 'FORBIDDEN' } }, 'the API refuses the viewer with its own session and CSRF token');
    t.equal((await server.apiJson('GET', '/tariffs/VIEWER')).status, 404);
    await shot(page, 'p03-tariff-viewer');
  });

  await t.test('reservations: create one the station accepts, filter, cancel it', async (t) => {
    const page = olga;
    await page.getByRole('link', { name: 'Reservations', exact: true }).click();
    await page.getByText('No reservations.').waitFor();
    const form = page.getByRole('form', { name: 'New reservation' });
    await form.getByLabel('Station id').fill('CS-P-1');
    await form.getByLabel('EVSE').fill('2');
    await form.getByLabel('Id token').fill('TAG-RES-1');
    await form.getByRole('button', { name: 'Reserve' }).click();
    await page.getByTestId('answer').getByText(/Station answered Accepted \(reservation \d+\)/).waitFor();
    t.match(got.ReserveNow, [{ connectorId: 2, idTag: 'TAG-RES-1' }], 'the station got ReserveNow');
    const id = got.ReserveNow![0].reservationId as number;
    const row = page.locator(`tr[data-reservation="${id}"]`);
    await row.getByTestId('status').getByText('accepted').waitFor();
    await page.getByLabel('Filter by status').selectOption('cancelled');
    await page.getByText('No reservations match the filter.').waitFor();
    await page.getByLabel('Filter by status').selectOption('created,accepted');
    await row.waitFor();
    await shot(page, 'p04-reservations');
    await row.getByRole('button', { name: 'Cancel' }).click();
    // The cancel's answer (the reserve's named the reservation).
    await page.getByTestId('answer').getByText('Station answered Accepted', { exact: true }).waitFor();
    t.same(got.CancelReservation, [{ reservationId: id }], 'the station got CancelReservation');
    await page.getByText('No reservations match the filter.').waitFor();
    await page.getByLabel('Filter by status').selectOption('');
    await row.getByTestId('status').getByText('cancelled').waitFor();
    t.equal(await row.getByRole('button', { name: 'Cancel' }).count(), 0, 'a closed reservation has no Cancel');
  });

  await t.test('sites: create a site, attach the station, see its live load without a reload', async (t) => {
    const page = olga;
    await page.getByRole('link', { name: 'Sites & load', exact: true }).click();
    await page.getByText('No sites yet.').waitFor();
    const form = page.getByRole('form', { name: 'New site' });
    await form.getByLabel('Site id').fill('depot');
    await form.getByLabel('Site name').fill('Depot');
    await form.getByLabel('Grid limit').fill('nonsense');
    await form.getByRole('button', { name: 'Create site' }).click();
    await page.getByRole('alert').getByText(/A limit is amperes/).waitFor();
    await form.getByLabel('Grid limit').fill('32');
    await form.getByRole('button', { name: 'Create site' }).click();
    await page.getByRole('heading', { name: 'Site Depot' }).waitFor();
    const attach = page.getByRole('form', { name: 'Attach a station' });
    await attach.getByLabel('Station id').fill('CS-P-1');
    await attach.getByLabel('EVSE (0 = whole station)').fill('1');
    await attach.getByLabel('Rating (A per phase, empty: site default)').fill('32');
    await attach.getByRole('button', { name: 'Attach' }).click();
    const attachment = page.locator('tr[data-attachment="CS-P-1/1"]');
    await attachment.waitFor();
    await eventually(async () => got.SetChargingProfile!.some((p) => p.csChargingProfiles.chargingProfilePurpose === 'TxDefaultProfile'), 20_000, 'a TxDefaultProfile');
    t.pass('the station holds its safe default');
    const l1 = page.locator('li[data-node="grid"] > .node li[data-phase="L1"] [data-testid="load-text"]');
    t.equal(await l1.textContent(), '0 / 32 A', 'no session, no load');
    await page.evaluate(() => ((globalThis as any).notReloaded = true));
    // A session starts: the allocator gives it the site's 32 A, publishes site.allocation, the page follows.
    const started = (await one.call('StartTransaction', { connectorId: 1, idTag: 'TAG-SITE-1', meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number };
    await page.locator('li[data-node="grid"] > .node li[data-phase="L1"] [data-testid="load-text"]', { hasText: '32 / 32 A' }).waitFor();
    await attachment.getByTestId('sessions').getByText(`${started.transactionId}: 32 A`).waitFor();
    t.ok(await page.evaluate(() => (globalThis as any).notReloaded === true), 'live, without a reload');
    t.ok(got.SetChargingProfile!.some((p) => p.csChargingProfiles.chargingProfilePurpose === 'TxProfile' && p.csChargingProfiles.transactionId === started.transactionId), 'the station got its TxProfile');
    // The operator lowers the grid limit: the session is allocated down and the bars follow.
    await page.getByRole('form', { name: 'Limit of grid' }).getByLabel('New limit').fill('20');
    await page.getByRole('form', { name: 'Limit of grid' }).getByRole('button', { name: 'Set limit' }).click();
    await page.locator('li[data-node="grid"] > .node li[data-phase="L1"] [data-testid="load-text"]', { hasText: '20 / 20 A' }).waitFor();
    await eventually(async () => got.SetChargingProfile!.some((p) => p.csChargingProfiles.chargingProfilePurpose === 'TxProfile' && p.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit === 20), 20_000, 'a 20 A TxProfile');
    t.pass('a lower limit reached the station and the page');
    // A sub-feeder, added and removed.
    const feeder = page.getByRole('form', { name: 'Add a sub-feeder' });
    await feeder.getByLabel('Node id').fill('feeder-a');
    await feeder.getByLabel('Limit (32, 32/32/16 or 22 kW)').fill('16/16/10');
    await feeder.getByRole('button', { name: 'Add node' }).click();
    await page.locator('li[data-node="feeder-a"] li[data-phase="L3"] [data-testid="load-text"]', { hasText: '0 / 10 A' }).waitFor();
    t.match((await server.apiJson('GET', '/sites/depot')).body.nodes, [{ id: 'grid' }, { id: 'feeder-a', parentId: 'grid', limitA: { L1: 16, L2: 16, L3: 10 } }]);
    await shot(page, 'p05-site');
    await page.locator('li[data-node="feeder-a"]').getByRole('button', { name: 'Remove node' }).click();
    await page.locator('li[data-node="feeder-a"]').waitFor({ state: 'detached' });
    t.equal(await page.locator('li[data-node="grid"]').getByRole('button', { name: 'Remove node' }).count(), 0, 'the root cannot be removed');
    const dark = await newPage('vic', PASSWORD, 'dark');
    await dark.goto(server.apiUrl + '/#/sites/depot');
    await dark.locator('li[data-node="grid"] > .node li[data-phase="L1"] [data-testid="load-text"]', { hasText: '20 / 20 A' }).waitFor();
    t.equal(await dark.getByRole('form', { name: 'Attach a station' }).count(), 0, 'a viewer gets no attach form');
    await shot(dark, 'p06-site-viewer-dark');
    await one.call('StopTransaction', { transactionId: started.transactionId, meterStop: 1000, timestamp: new Date().toISOString(), reason: 'Local' });
    await page.locator('li[data-node="grid"] > .node li[data-phase="L1"] [data-testid="load-text"]', { hasText: '0 / 20 A' }).waitFor();
    t.pass('the load falls back when the session ends');
    await page.getByRole('link', { name: 'All sites' }).click();
    await page.locator('tr[data-site="depot"]').waitFor();

    // CS-P-1 is under tariff DAY (assigned above): the ended session shows its final cost, as the API computed it.
    const tx = await eventually(async () => {
      const body = (await server.apiJson('GET', `/transactions/${started.transactionId}?stationId=CS-P-1`)).body;
      return body?.cost?.final && body;
    }, 30_000, 'the final cost');
    await page.goto(server.apiUrl + `/#/transactions/CS-P-1/${started.transactionId}`);
    await page.getByTestId('tx-cost-total').getByText(`${tx.cost.totalInclTax} ${tx.cost.currency}`).waitFor();
    t.match(await page.getByTestId('tx-cost').textContent(), /Final cost.*Energy.*1 kWh.*DAY/, 'final, with the energy line and the tariff');
    await shot(page, 'p07-transaction-cost-detail');
    await page.goto(server.apiUrl + '/#/transactions');
    await page.locator(`tr[data-transaction="${started.transactionId}"] td[data-cost="${tx.cost.totalInclTax}"]`).waitFor();
    t.pass('the transactions table shows the cost');
    await shot(page, 'p07-transaction-cost-list');
  });

  await t.test('firmware campaigns: start one, pause and resume it, follow the station to installed; the station’s firmware history', async (t) => {
    const page = olga;
    await page.getByRole('link', { name: 'Firmware campaigns', exact: true }).click();
    await page.getByText('No campaigns or jobs.').waitFor();
    await page.getByRole('button', { name: 'New campaign or job…' }).click();
    const form = page.getByRole('form', { name: 'New campaign' });
    await form.getByLabel('Name').fill('Volt 2.0');
    await form.getByLabel('Firmware location (URL)').fill('https://firmware.example/volt-2.0.bin');
    await form.getByLabel('Stations (comma-separated)').fill('CS-P-1');
    await form.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('heading', { name: 'Firmware · Volt 2.0' }).waitFor();
    await eventually(async () => got.UpdateFirmware!.length === 1, 20_000, 'UpdateFirmware sent');
    t.match(got.UpdateFirmware![0], { location: 'https://firmware.example/volt-2.0.bin' }, 'the station got UpdateFirmware');
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('campaign-status').getByText('paused').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('campaign-status').getByText('running').waitFor();
    for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed']) await one.call('FirmwareStatusNotification', { status });
    await page.locator('tr[data-station="CS-P-1"]').getByTestId('state').getByText('installed').waitFor();
    await page.getByTestId('campaign-status').getByText('complete').waitFor();
    t.equal(await page.getByRole('button', { name: 'Pause' }).count(), 0, 'a complete campaign has no commands');
    await shot(page, 'p07-campaign');
    await page.getByRole('link', { name: 'All campaigns' }).click();
    await page.getByRole('table', { name: 'Campaigns' }).getByText('1 of 1 done').waitFor();
    await shot(page, 'p08-campaigns');
    await page.goto(server.apiUrl + '/#/stations/CS-P-1');
    const history = page.getByRole('table', { name: 'Firmware history' });
    await history.getByText('UpdateFirmware').waitFor();
    await page.getByText('Reported firmware statuses (4)').waitFor();
    t.pass('the station page shows its firmware history');
    await shot(page, 'p09-station-firmware');

    // A report job through the same page: the 1.6 station is asked GetConfiguration.
    const asked: unknown[] = [];
    one.handle('GetConfiguration', async ({ params }) => (asked.push(params), { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
    await page.getByRole('link', { name: 'Firmware campaigns', exact: true }).click();
    await page.getByRole('button', { name: 'New campaign or job…' }).click();
    const job = page.getByRole('form', { name: 'New campaign' });
    await job.getByLabel('Kind').selectOption('report');
    await job.getByLabel('Name').fill('Config sweep');
    await job.getByLabel('Stations (comma-separated)').fill('CS-P-1');
    t.equal(await job.getByLabel('Firmware location (URL)').count(), 0, 'a report job takes no firmware');
    await job.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('heading', { name: 'Report · Config sweep' }).waitFor();
    await page.locator('tr[data-station="CS-P-1"]').getByTestId('state').getByText('complete').waitFor();
    await page.getByTestId('campaign-status').getByText('complete').waitFor();
    t.same(asked, [{}], 'the station was asked for its configuration');
    await page.getByRole('link', { name: 'All campaigns' }).click();
    await page.locator('tr[data-campaign]').nth(1).waitFor();
    t.match(await page.getByRole('table', { name: 'Campaigns' }).textContent(), /Config sweep.*Report.*Volt 2\.0.*Firmware/, 'both listed, newest first');
  });

  await t.test('certificates: the station CA, the renewal report, a station’s certificates from its own answer', async (t) => {
    const page = olga;
    await page.getByRole('link', { name: 'Certificates', exact: true }).click();
    const ca = await server.apiJson('GET', '/certificates/ca');
    if (ca.status === 200) await page.getByTestId('ca-kind').getByText(ca.body.kind).waitFor();
    else await page.getByText('No built-in station CA on this node').waitFor();
    t.pass(`the CA as the API says (${ca.status})`);
    await page.getByText('No renewals yet').waitFor();
    await page.getByRole('form', { name: 'Station certificates' }).getByLabel('Station id').fill('CS-P-2');
    await page.getByRole('button', { name: 'Show certificates' }).click();
    await page.getByText('No certificates known for CS-P-2.').waitFor();
    await page.getByRole('button', { name: 'Ask the station (GetInstalledCertificateIds)' }).click();
    const table = page.getByRole('table', { name: 'Station certificates' });
    await table.getByText('1f2e3d').waitFor();
    t.match(await table.textContent(), /ManufacturerRootCertificate.*reported/);
    t.equal(got.GetInstalledCertificateIds!.length, 1, 'the station was asked once');
    await shot(page, 'p10-certificates');
    await page.goto(server.apiUrl + '/#/stations/CS-P-2');
    await page.getByRole('table', { name: 'Installed certificates' }).getByText('1f2e3d').waitFor();
    t.pass('the station page lists its installed certificates');
  });

  await t.test('OCPI partners: admins only; add a party, invite (token A), register with an eMSP', async (t) => {
    t.equal(await olga.getByRole('link', { name: 'OCPI partners' }).count(), 0, 'not in an operator’s navigation');
    await olga.goto(server.apiUrl + '/#/partners');
    await olga.getByText('Page not found.').waitFor();
    t.match(await fromPage(olga, 'POST', '/roaming/partners', { name: 'sneaky' }), { status: 403, body: { code: 'FORBIDDEN' } }, 'the API refuses an operator');
    const emsp = await new EmspSimulator('DE', 'EMS').start(t);
    const page = await newPage('admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'OCPI partners' }).click();
    await page.getByText('No CPO party yet').waitFor();
    await page.getByText('No roaming partners.').waitFor();
    await page.getByLabel('Partner name').fill('too early');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('alert').getByText('(OCPI_NO_PARTY)').waitFor();
    t.pass('the API’s error is shown: no party yet');
    const party = page.getByRole('form', { name: 'New CPO party' });
    await party.getByLabel('Country code').fill('nl');
    await party.getByLabel('Party id').fill('swy');
    await party.getByLabel('Party name').fill('Switchyard NL');
    await party.getByRole('button', { name: 'Add party' }).click();
    await page.getByText('NL*SWY').waitFor();
    await page.getByLabel('Partner name').fill('eMSP one');
    await page.getByRole('button', { name: 'Invite' }).click();
    const tokenA = page.getByTestId('token-a');
    await tokenA.waitFor();
    t.match(await tokenA.textContent(), /\/ocpi\/versions/, 'our versions URL shown with token A');
    const invited = (await server.apiJson('GET', '/roaming/partners')).body.items.find((p: any) => p.name === 'eMSP one');
    const row = page.locator(`tr[data-partner="${invited.id}"]`);
    await row.getByTestId('partner-status').getByText('invited').waitFor();
    await row.getByRole('button', { name: 'Register…' }).click();
    const register = page.getByRole('form', { name: 'Register with eMSP one' });
    await register.getByLabel('Their versions URL').fill(emsp.versionsUrl);
    await register.getByLabel('Their token A').fill(emsp.tokenForCpo);
    await register.getByRole('button', { name: 'Register' }).click();
    await row.getByTestId('partner-status').getByText('registered').waitFor();
    t.ok(emsp.tokenForCsms, 'the eMSP got our credentials');
    // The partner goes away while a location is pushed: its outbox shows the failed head, then drains.
    emsp.down = true;
    t.equal((await server.apiJson('PUT', '/locations/LOC1', location('LOC1', 'CS-P-1'))).status, 201);
    await eventually(async () => (await server.apiJson('GET', `/roaming/partners/${invited.id}`)).body.outbox?.attempts >= 1, 20_000, 'a failed delivery');
    const stuck = (await server.apiJson('GET', `/roaming/partners/${invited.id}`)).body;
    t.match(stuck, { outbox: { module: 'locations', objectKey: 'location:LOC1', lastError: String } }, 'the API shows the outbox head');
    t.ok(stuck.pendingDeliveries >= 1);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.getByTestId('outbox-retry').getByText(/locations location:LOC1: \d+ failed attempt/).waitFor();
    t.not(await row.getByTestId('pending').textContent(), '0', 'pending shown');
    await shot(page, 'p11-partners');
    emsp.down = false;
    await eventually(async () => (await server.apiJson('GET', `/roaming/partners/${invited.id}`)).body.pendingDeliveries === 0, 20_000, 'the outbox drained');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.getByTestId('pending').getByText('0', { exact: true }).waitFor();
    t.equal(await row.getByTestId('outbox-retry').count(), 0, 'no failure shown once delivered');
    t.ok(emsp.locations.size >= 1 || emsp.received.some((r) => r.path.includes('/locations/') && r.answered === 200), 'the eMSP got the location after coming back');
  });

  await one.close();
  await two.close();
}
