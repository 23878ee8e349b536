import type { Test } from 'tap';
import { startServer } from '../helpers/server.js';
import { connectStrict, bootPayload, RawStation, type StrictClient } from '../helpers/ocpp-clients.js';
import { chromiumTest, launchUiBrowser } from '../helpers/chromium.js';

/**
 * The fleet part of the operator UI (issue 15) in Debian's Chromium against a real server and
 * strict ocpp-rpc stations: the stations table searched, filtered and sorted on the server, the
 * dashboard's traffic chart, id token groups, the audit of changes, and a tablet (768×1024)
 * in light and dark mode: no sideways scrolling, the navigation by mouse and by keyboard.
 * Screenshots go to SCREENSHOTS (looked at by a person).
 */
// Code run inside the page by page.evaluate / waitForFunction (this program has no DOM types).
declare const document: any;
declare function getComputedStyle(element: unknown): any;

const ADMIN_PASSWORD = 'admin-password-for-ui-tests';

chromiumTest('operator UI fleet pages in Chromium', run);

async function run(t: Test) {
  const outer = t;
  const server = await startServer(t, { env: { CSMS_ADMIN_PASSWORD: ADMIN_PASSWORD, CSMS_ALLOW_UNKNOWN_STATIONS: 'false' } });
  const { loggedInPage, shot } = await launchUiBrowser(t, server.apiUrl);
  const newPage = (options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}) => loggedInPage('admin', ADMIN_PASSWORD, options);

  // Four stations: two connect and boot (different vendors), two stay offline and never booted.
  const fleet = [['CS-ABB-1', 'ABB', 'Terra', 'ocpp1.6'], ['CS-KEMP-1', 'Kempower', 'Satellite', 'ocpp2.0.1']] as const;
  for (const id of ['CS-ABB-1', 'CS-KEMP-1', 'CS-OFF-1', 'CS-OFF-2']) await server.registerStation(id, `station-password-${id}`);
  const clients = new Map<string, StrictClient>();
  for (const [id, vendor, model, version] of fleet) {
    const station = await connectStrict(outer, { endpoint: server.ocppUrl, identity: id, password: `station-password-${id}`, version });
    await station.call('BootNotification', bootPayload(version, { vendor, model, firmwareVersion: '1.0' }));
    clients.set(id, station);
    t.teardown(() => station.close());
  }
  // A frame the gateway refuses (schema violation): counted as a CALLERROR on the dashboard.
  const raw = await RawStation.open(outer, server.ocppUrl, 'CS-OFF-1', { password: 'station-password-CS-OFF-1' });
  raw.send(JSON.stringify([2, 'bad-1', 'Heartbeat', { unexpected: true }]));
  const refused = (await raw.nextFrame()) as unknown[];
  t.equal(refused[0], 4, 'the gateway answered CALLERROR');
  raw.terminate();

  await t.test('stations table: search, filters and sort run on the server', async (t) => {
    const page = await newPage();
    await page.getByRole('link', { name: 'Stations', exact: true }).click();
    await page.locator('tr[data-station="CS-OFF-2"]').waitFor();
    const rows = async () => page.locator('tbody tr[data-station]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-station')));
    /** Waits until the table shows exactly these rows (the server answered), then checks them. */
    const expectRows = async (expected: string[], what: string) => {
      await page
        .waitForFunction((want) => JSON.stringify([...document.querySelectorAll('tbody tr[data-station]')].map((tr) => tr.getAttribute('data-station'))) === want, JSON.stringify(expected), { timeout: 10_000 })
        .catch(() => {});
      t.same(await rows(), expected, what);
    };
    const asked = page.waitForRequest((r) => r.url().includes('/stations?') && r.url().includes('q=kemp'));
    await page.getByLabel('Search stations').fill('kemp');
    t.match((await asked).url(), /q=kemp/, 'the search went to the server');
    await expectRows(['CS-KEMP-1'], 'vendor prefix, any case');
    await page.getByLabel('Search stations').fill('');
    await page.getByLabel('Connection').selectOption('online');
    await expectRows(['CS-ABB-1', 'CS-KEMP-1'], 'online only');
    await page.getByLabel('Connection').selectOption('offline');
    await expectRows(['CS-OFF-1', 'CS-OFF-2'], 'offline only');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Protocol').selectOption('ocpp2.0.1');
    await expectRows(['CS-KEMP-1'], 'protocol');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expectRows(['CS-ABB-1', 'CS-KEMP-1', 'CS-OFF-1', 'CS-OFF-2'], 'no filter: all, by id');
    const sorted = page.waitForRequest((r) => r.url().includes('sort=vendor') && r.url().includes('dir=desc'));
    await page.getByRole('button', { name: /^Vendor/ }).click();
    await page.getByRole('button', { name: /^Vendor/ }).click();
    await sorted;
    await expectRows(['CS-KEMP-1', 'CS-ABB-1', 'CS-OFF-2', 'CS-OFF-1'], 'vendor descending, never-booted last, ties by id');
    await shot(page, '20-stations-sorted');
  });

  await t.test('dashboard: messages/s and CALLERRORs/s of the last hour', async (t) => {
    const stats = (await server.apiJson('GET', '/stats/fleet')).body;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    t.ok(sum(stats.rates.messages) >= 3, 'boots and the refused frame counted');
    t.equal(sum(stats.rates.callErrors), 1, 'the refused frame is the one CALLERROR');
    t.same(stats.online, { total: 2, byProtocol: { 'ocpp1.6': 1, 'ocpp2.0.1': 1 } });
    const page = await newPage();
    await page.getByTestId('rate-chart').locator('canvas').waitFor();
    await page.getByTestId('online-count').getByText('2', { exact: true }).waitFor();
    t.pass('the chart is drawn');
    await page.getByTestId('online-count').getByText('stations online of 4').waitFor();
    t.pass('online of all registered');
    // Connectors by status: a 1.6 Charging is Occupied in the version-neutral model; live, no reload.
    await clients.get('CS-ABB-1')!.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    await clients.get('CS-KEMP-1')!.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    const statuses = page.getByTestId('connector-statuses');
    await statuses.locator('li[data-status="Occupied"]').getByText('1', { exact: true }).waitFor();
    await statuses.locator('li[data-status="Available"]').getByText('1', { exact: true }).waitFor();
    t.pass('connectors by status, updated live');
    await shot(page, '21-dashboard-rates');
  });

  await t.test('id token groups: create a group from tokens, filter by it; the audit shows who changed what', async (t) => {
    for (const idToken of ['TAG-A', 'TAG-B', 'TAG-C']) t.equal((await server.apiJson('POST', '/tokens', { idToken })).status, 201);
    const page = await newPage();
    await page.getByRole('link', { name: 'Id tokens' }).click();
    const form = page.getByRole('form', { name: 'New group' });
    await form.getByLabel('New group id').fill('FLEET-1');
    await form.getByLabel('Tokens to assign').fill('TAG-A, TAG-C');
    await form.getByRole('button', { name: 'Create group' }).click();
    await page.locator('li[data-group="FLEET-1"]').getByText('2 tokens').waitFor();
    await page.getByLabel('Group filter').selectOption('FLEET-1');
    await page.locator('tr[data-token="TAG-B"]').waitFor({ state: 'detached' });
    t.same(await page.locator('tr[data-token]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-token'))), ['TAG-A', 'TAG-C']);
    t.match((await server.apiJson('GET', '/tokens/TAG-C')).body, { groupId: 'FLEET-1' }, 'assigned in the store');
    await shot(page, '22-token-groups');

    await page.getByRole('link', { name: 'Users & keys' }).click();
    const audit = page.getByRole('table', { name: 'Audit log' });
    await audit.locator('tr[data-audit="change"]').first().waitFor();
    const text = (await audit.textContent()) ?? '';
    t.match(text, /PUT \/tokens\/TAG-A/, 'the UI user\'s change');
    t.match(text, /PUT \/tokens\/TAG-C/);
    t.match(text, /POST \/tokens/, 'the API key\'s changes too');
    t.match(text, /groupId=FLEET-1/);
    await page.getByLabel('Audit kind').selectOption('commands');
    await audit.locator('tr[data-audit="change"]').first().waitFor({ state: 'detached' }).catch(() => {});
    t.equal(await audit.locator('tr[data-audit="change"]').count(), 0, 'commands only');
    await page.getByLabel('Audit kind').selectOption('changes');
    await shot(page, '23-audit-changes');
  });

  await t.test('live message inspector: frames pushed as they happen, pause, filter, refused frames highlighted', async (t) => {
    const page = await newPage();
    await page.goto(server.apiUrl + '/#/stations/CS-OFF-2');
    await page.getByRole('tab', { name: 'Live frames' }).click();
    await page.getByTestId('live-frames-status').getByText('● live').waitFor();
    const raw = await RawStation.open(outer, server.ocppUrl, 'CS-OFF-2', { password: 'station-password-CS-OFF-2' });
    t.teardown(() => raw.terminate());
    const table = page.getByRole('table', { name: 'Live frames' });
    // The watch reaches the gateway thread after the stream opened: poke until the first row shows.
    let n = 0;
    while ((await table.count()) === 0) {
      raw.send(JSON.stringify([2, `hb-${++n}`, 'Heartbeat', {}]));
      await raw.next();
      await table.waitFor({ timeout: 300 }).catch(() => {});
    }
    raw.send(JSON.stringify([2, 'bad-2', 'Heartbeat', { unexpected: true }]));
    await raw.next();
    const refused = table.locator('tr[data-refused="true"]');
    await refused.waitFor();
    t.match(await refused.textContent(), /refused: FormationViolation/, 'the refused frame shows its schema error');
    t.match(await table.locator('tr[data-frame-type="CALLERROR"]').first().textContent(), /FormationViolation/);
    await shot(page, '24-live-frames');

    const rowsNow = await table.locator('tbody tr').count();
    await page.getByRole('button', { name: 'Pause' }).click();
    raw.send(JSON.stringify([2, 'hb-paused', 'Heartbeat', {}]));
    await raw.next();
    await page.getByRole('button', { name: 'Resume (2 new)' }).waitFor();
    t.equal(await table.locator('tbody tr').count(), rowsNow, 'paused: nothing added on screen');
    await page.getByRole('button', { name: /^Resume/ }).click();
    await table.locator('tr', { hasText: 'hb-paused' }).first().waitFor();
    t.equal(await table.locator('tbody tr').count(), rowsNow + 2, 'resumed: the held frames shown');
    await page.getByLabel('Filter live frames').fill('bad-2');
    await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Live frames"] tbody tr').length === 2);
    t.pass('the filter keeps the refused frame and its CALLERROR');
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    await t.test(`tablet 768×1024, ${colorScheme}: no sideways scrolling, navigation by mouse and keyboard, readable`, async (t) => {
      const page = await newPage({ width: 768, height: 1024, colorScheme });
      const pages = [['Dashboard', 'Dashboard'], ['Stations', 'Stations'], ['Transactions', 'Transactions'], ['Id tokens', 'Id tokens'], ['Users & keys', 'Users and API keys']] as const;
      for (const [link, heading] of pages) {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
        t.ok(overflow.scroll <= overflow.client, `${heading}: page ${overflow.scroll}px wide in a ${overflow.client}px viewport`);
        // Text against its background: WCAG contrast of the body text and of the page heading.
        const contrast = await page.evaluate(() => {
          const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
          const lum = ([r, g, b]: number[]) => {
            const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
            return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
          };
          const ratio = (a: string, b: string) => {
            const [l1, l2] = [lum(rgb(a)), lum(rgb(b))].sort((x, y) => y - x);
            return (l1! + 0.05) / (l2! + 0.05);
          };
          const body = getComputedStyle(document.body);
          const h1 = getComputedStyle(document.querySelector('h1')!);
          const nav = getComputedStyle(document.querySelector('nav.sidebar')!);
          const navLink = getComputedStyle(document.querySelector('nav.sidebar a:not([aria-current])')!);
          return { text: ratio(body.color, body.backgroundColor), heading: ratio(h1.color, body.backgroundColor), nav: ratio(navLink.color, nav.backgroundColor) };
        });
        t.ok(contrast.text >= 7 && contrast.heading >= 7 && contrast.nav >= 4.5, `${heading}: contrast text ${contrast.text.toFixed(1)}, heading ${contrast.heading.toFixed(1)}, nav ${contrast.nav.toFixed(1)}`);
        await shot(page, `30-tablet-${colorScheme}-${link.replace(/\W+/g, '-').toLowerCase()}`);
      }
      // Keyboard only: Tab reaches the skip link first, then the navigation in order; Enter follows a link.
      await page.goto(server.apiUrl + '/#/');
      await page.reload(); // a fresh document: focus starts at its top
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await page.keyboard.press('Tab');
      t.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content', 'the skip link comes first');
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press('Tab');
        order.push((await page.evaluate(() => document.activeElement?.textContent)) ?? '');
      }
      t.same(order, ['Dashboard', 'Stations', 'Transactions'], 'then the navigation, in order');
      const focusRing = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      t.not(focusRing, 'none', 'the focused link shows a focus ring');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Transactions', exact: true }).waitFor();
      t.pass('Enter on a navigation link opens its page');
      await shot(page, `31-tablet-${colorScheme}-keyboard`);
    });
  }
}
