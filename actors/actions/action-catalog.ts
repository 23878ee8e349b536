import { isCsmsInitiated, isStationInitiated } from '../../core/actions.js';
import { SUPPORTED_VERSIONS, type OcppVersion } from '../../core/protocols.js';
import { loadSchemaDocuments } from '../../core/schemas.js';
import { ACTION_NOTES } from './action-notes.js';
import { CSMS_INITIATED, NOT_SUPPORTED_OUTBOUND } from './csms-initiated.js';
import { GATEWAY_ANSWERS, NOT_SUPPORTED_INBOUND, STATION_INITIATED } from './station-initiated.js';

/**
 * Every action of every version's official schema set and what Switchyard does with it, built
 * from the routing tables (so it cannot drift from the code) plus the one-line notes of
 * action-notes.ts. Rendered into docs/actions.md; test/actors/action-catalog.test.ts checks that
 * the file is current.
 */

/** How one version handles one action. */
export type Handling =
  | 'gateway' // station → CSMS, answered by the gateway at once, stored within the flush delay
  | 'handled' // station → CSMS, answered after its effects are committed
  | 'refused' // station → CSMS, answered NotSupported (reason in the tables)
  | 'effects' // CSMS → station, sent; the answer has effects (stored, correlated, published)
  | 'sent' // CSMS → station, sent as given, answer returned
  | 'not sent'; // CSMS → station, deliberately not sent (reason in the tables)

export interface CatalogRow {
  action: string;
  /** Per version that has the action: its handling in each direction (DataTransfer has two). */
  versions: Partial<Record<OcppVersion, Handling[]>>;
  note: string;
  /** Reasons for `refused` / `not sent`, per version. */
  reasons: Partial<Record<OcppVersion, string>>;
}

/** Action names from the schema $ids: `urn:Reset.req`, `ResetRequest`, `Reset.conf`, … */
export function schemaActions(version: OcppVersion): Set<string> {
  return new Set(loadSchemaDocuments(version).map((d) => d.$id.replace(/^urn:/, '').replace(/(\.req|\.conf|Request|Response)$/, '')));
}

function handlingOf(version: OcppVersion, action: string, actions: ReadonlySet<string>): { handling: Handling[]; reason?: string } {
  const handling: Handling[] = [];
  let reason: string | undefined;
  if (isStationInitiated(version, action)) {
    if (Object.hasOwn(STATION_INITIATED[version], action)) handling.push(Object.hasOwn(GATEWAY_ANSWERS[version], action) ? 'gateway' : 'handled');
    else {
      handling.push('refused');
      reason = NOT_SUPPORTED_INBOUND[version][action];
    }
  }
  if (isCsmsInitiated(version, action, actions)) {
    const spec = Object.hasOwn(CSMS_INITIATED[version], action) ? CSMS_INITIATED[version][action] : undefined;
    if (spec) handling.push(spec.prepare || spec.onResult ? 'effects' : 'sent');
    else {
      handling.push('not sent');
      reason = NOT_SUPPORTED_OUTBOUND[version][action];
    }
  }
  return { handling, reason };
}

export function actionCatalog(): CatalogRow[] {
  const rows = new Map<string, CatalogRow>();
  for (const version of SUPPORTED_VERSIONS) {
    const actions = schemaActions(version);
    for (const action of actions) {
      const row = rows.get(action) ?? { action, versions: {}, note: ACTION_NOTES[action] ?? '', reasons: {} };
      const { handling, reason } = handlingOf(version, action, actions);
      row.versions[version] = handling;
      if (reason) row.reasons[version] = reason;
      rows.set(action, row);
    }
  }
  return [...rows.values()].sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0)); // code-point order: the same on every machine
}

const SYMBOL: Record<Handling, string> = {
  gateway: 'in ⚡',
  handled: 'in ✓',
  refused: 'in ✗',
  effects: 'out ✓+',
  sent: 'out ✓',
  'not sent': 'out ✗',
};

const VERSION_LABEL: Record<OcppVersion, string> = { 'ocpp1.6': '1.6', 'ocpp2.0.1': '2.0.1', 'ocpp2.1': '2.1' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function actionCatalogMarkdown(rows: CatalogRow[] = actionCatalog()): string {
  const lines = [
    '# OCPP actions and what Switchyard does with them',
    '',
    '<!-- Generated from the routing tables and actors/actions/action-notes.ts by',
    '     `node scripts/action-catalog.mjs > docs/actions.md` (after `npm run build`);',
    '     test/actors/action-catalog.test.ts fails when this file is out of date. -->',
    '',
    'One row per action of the official schema sets of OCPP 1.6 (with the security whitepaper), 2.0.1 and 2.1.',
    '',
    '- **in ⚡** station → CSMS, answered by the gateway at once; its effects reach the store within `CSMS_ASYNC_FLUSH_MS`.',
    '- **in ✓** station → CSMS, answered once its effects are committed.',
    '- **in ✗** station → CSMS, answered `NotSupported` (reason below).',
    '- **out ✓+** CSMS → station, sent by every entry point (typed or generic REST, NATS) with its effects when the station answers.',
    '- **out ✓** CSMS → station, sent as given through `POST /stations/{id}/ocpp/{action}` or NATS; the answer is returned.',
    '- **out ✗** CSMS → station, not sent (reason below).',
    '- **–** not an action of that version.',
    '',
    `| action | ${SUPPORTED_VERSIONS.map((v) => VERSION_LABEL[v]).join(' | ')} | what Switchyard does |`,
    `|---|${SUPPORTED_VERSIONS.map(() => ':-:').join('|')}|---|`,
  ];
  for (const row of rows) {
    const versions = SUPPORTED_VERSIONS.map((v) => row.versions[v]?.map((h) => SYMBOL[h]).join(', ') ?? '–');
    const note = row.note || 'Answered `NotSupported`; see below.';
    lines.push(`| ${row.action} | ${versions.join(' | ')} | ${cell(note)} |`);
  }
  const refused = rows.filter((r) => Object.keys(r.reasons).length > 0);
  if (refused.length > 0) {
    lines.push('', '## Not supported, with the reason', '');
    for (const row of refused) {
      for (const version of SUPPORTED_VERSIONS) {
        const reason = row.reasons[version];
        if (reason) lines.push(`- **${row.action}** (${VERSION_LABEL[version]}): ${cell(reason)}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
