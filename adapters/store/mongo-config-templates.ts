import type { Db } from 'mongodb';
import type { ConfigTemplate } from '../../core/config-template.js';
import type { ConfigTemplateStore } from '../../core/ports/store/config-template-store.js';

interface TemplateDoc {
  _id: string;
  tenantId: string;
  name: string;
  template: ConfigTemplate;
}

/**
 * Configuration templates on MongoDB: one document per template, `_id` = tenant and name.
 * Untested on our machines (no MongoDB server); runs the contract when MONGODB_URL is set.
 */
export class MongoConfigTemplates implements ConfigTemplateStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get docs() {
    return this.db.collection<TemplateDoc>('configTemplates');
  }

  async putTemplate(template: ConfigTemplate): Promise<boolean> {
    await this.ready;
    const result = await this.docs.replaceOne(
      { _id: `${template.tenantId}|${template.name}` },
      { tenantId: template.tenantId, name: template.name, template },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  async getTemplate(tenantId: string, name: string): Promise<ConfigTemplate | undefined> {
    await this.ready;
    return (await this.docs.findOne({ _id: `${tenantId}|${name}` }))?.template;
  }

  async listTemplates(tenantId: string): Promise<ConfigTemplate[]> {
    await this.ready;
    return (await this.docs.find({ tenantId }, { sort: { name: 1 } }).toArray()).map((d) => d.template);
  }

  async deleteTemplate(tenantId: string, name: string): Promise<boolean> {
    await this.ready;
    return (await this.docs.deleteOne({ _id: `${tenantId}|${name}` })).deletedCount === 1;
  }
}
