import type { Sql } from 'postgres';
import type { ConfigTemplate } from '../../core/config-template.js';
import type { ConfigTemplateStore } from '../../core/ports/store/config-template-store.js';
import type { PgGroupCommit } from './postgres-group-commit.js';

/** The templates table; appended to the PostgreSQL migrations (postgres-migrations.ts). */
export const POSTGRES_CONFIG_TEMPLATES_TABLE = `CREATE TABLE config_templates (
     tenant_id text COLLATE "C" NOT NULL,
     name text COLLATE "C" NOT NULL,
     body text NOT NULL,
     updated_at text NOT NULL,
     PRIMARY KEY (tenant_id, name)
   )`;

/** Configuration templates on PostgreSQL: one row per template, the template as JSON text. */
export class PostgresConfigTemplates implements ConfigTemplateStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async putTemplate(template: ConfigTemplate): Promise<boolean> {
    const body = JSON.stringify(template);
    // xmax = 0 only on a freshly inserted row: tells a create from a replace in one statement.
    const [row] = await this.writer.pipelined(
      (tx) => tx<Array<{ inserted: boolean }>>`INSERT INTO config_templates (tenant_id, name, body, updated_at)
        VALUES (${template.tenantId}, ${template.name}, ${body}, ${template.updatedAt})
        ON CONFLICT (tenant_id, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
        RETURNING (xmax = 0) AS inserted`,
    );
    return row!.inserted;
  }

  async getTemplate(tenantId: string, name: string): Promise<ConfigTemplate | undefined> {
    const [row] = await this.sql<Array<{ body: string }>>`SELECT body FROM config_templates WHERE tenant_id = ${tenantId} AND name = ${name}`;
    return row ? (JSON.parse(row.body) as ConfigTemplate) : undefined;
  }

  async listTemplates(tenantId: string): Promise<ConfigTemplate[]> {
    const rows = await this.sql<Array<{ body: string }>>`SELECT body FROM config_templates WHERE tenant_id = ${tenantId} ORDER BY name`;
    return rows.map((r) => JSON.parse(r.body) as ConfigTemplate);
  }

  async deleteTemplate(tenantId: string, name: string): Promise<boolean> {
    const result = await this.writer.pipelined((tx) => tx`DELETE FROM config_templates WHERE tenant_id = ${tenantId} AND name = ${name}`);
    return result.count > 0;
  }
}
