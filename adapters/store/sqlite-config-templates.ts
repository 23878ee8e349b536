import type { Database, Statement } from 'better-sqlite3';
import type { ConfigTemplate } from '../../core/config-template.js';
import type { ConfigTemplateStore } from '../../core/ports/store/config-template-store.js';
import type { GroupCommit } from './group-commit.js';

/** The SQL of the templates table; the SQLite store's migrations run it (sqlite-migrations.ts). */
export const SQLITE_CONFIG_TEMPLATES_TABLE = `CREATE TABLE config_templates (
     tenant_id TEXT NOT NULL,
     name TEXT NOT NULL,
     body TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (tenant_id, name)
   ) WITHOUT ROWID;`;

/** Configuration templates of the SQLite store: one row per template, the template as JSON. */
export class SqliteConfigTemplates implements ConfigTemplateStore {
  private readonly stmt: Record<'exists' | 'upsert' | 'get' | 'list' | 'remove', Statement>;

  constructor(
    db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      exists: db.prepare('SELECT 1 FROM config_templates WHERE tenant_id = ? AND name = ?'),
      upsert: db.prepare(
        `INSERT INTO config_templates (tenant_id, name, body, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant_id, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      ),
      get: db.prepare('SELECT body FROM config_templates WHERE tenant_id = ? AND name = ?'),
      list: db.prepare('SELECT body FROM config_templates WHERE tenant_id = ? ORDER BY name'),
      remove: db.prepare('DELETE FROM config_templates WHERE tenant_id = ? AND name = ?'),
    };
  }

  putTemplate(template: ConfigTemplate): Promise<boolean> {
    const body = JSON.stringify(template);
    return this.writer.enqueue(() => {
      const existed = this.stmt.exists.get(template.tenantId, template.name) !== undefined;
      this.stmt.upsert.run(template.tenantId, template.name, body, template.updatedAt);
      return !existed;
    });
  }

  async getTemplate(tenantId: string, name: string): Promise<ConfigTemplate | undefined> {
    const row = this.stmt.get.get(tenantId, name) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as ConfigTemplate) : undefined;
  }

  async listTemplates(tenantId: string): Promise<ConfigTemplate[]> {
    return (this.stmt.list.all(tenantId) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as ConfigTemplate);
  }

  deleteTemplate(tenantId: string, name: string): Promise<boolean> {
    return this.writer.enqueue(() => this.stmt.remove.run(tenantId, name).changes > 0);
  }
}
