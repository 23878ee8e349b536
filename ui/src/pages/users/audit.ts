/** The audit card's pure helpers (unit-tested in test/ui/audit.test.ts). */
export type AuditKind = 'all' | 'commands' | 'changes';

interface AuditRow {
  action: string | null;
  route: string;
  request: unknown;
}

/** A command names the OCPP action it sent; a change to users, keys or tokens has none. */
export function filterAudit<T extends AuditRow>(rows: T[], kind: AuditKind): T[] {
  if (kind === 'all') return rows;
  return rows.filter((r) => (kind === 'commands') === (r.action !== null));
}

/** One line of what was asked: the body's fields, shortened (secrets are already redacted by the server). */
export function auditDetails(row: AuditRow, max = 80): string {
  if (row.request === null || row.request === undefined) return '';
  const text = typeof row.request === 'object'
    ? Object.entries(row.request as Record<string, unknown>).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')
    : String(row.request);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
