import { readFileSync } from 'node:fs';
import t from 'tap';
import { actionCatalog, actionCatalogMarkdown } from '../../actors/actions/action-catalog.js';
import { ACTION_NOTES } from '../../actors/actions/action-notes.js';

// docs/actions.md is the README's table of every OCPP action per version and what Switchyard
// does with it. It is generated from the routing tables, so a handler added, removed or moved
// between the gateway and the handler thread shows up here until the file is regenerated.

t.test('docs/actions.md is current (regenerate: npm run build && node scripts/action-catalog.mjs > docs/actions.md)', async (t) => {
  const file = readFileSync(new URL('../../docs/actions.md', import.meta.url), 'utf8');
  t.equal(file, actionCatalogMarkdown());
});

t.test('every action Switchyard answers or sends says what it does; refused ones give a reason instead', async (t) => {
  const rows = actionCatalog();
  t.ok(rows.length > 100, `${rows.length} actions over 1.6, 2.0.1 and 2.1`);
  for (const row of rows) {
    const used = Object.values(row.versions).flat().some((h) => h !== 'refused' && h !== 'not sent');
    if (used) t.ok(row.note.length > 0, `${row.action}: a note in action-notes.ts`);
    else t.ok(Object.keys(row.reasons).length > 0, `${row.action}: refused everywhere, with a reason`);
  }
});

t.test('action-notes.ts names only actions of the schema sets', async (t) => {
  const known = new Set(actionCatalog().map((r) => r.action));
  for (const action of Object.keys(ACTION_NOTES)) t.ok(known.has(action), `${action} is an OCPP action`);
});
