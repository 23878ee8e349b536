import type { ConfigTemplate } from '../../config-template.js';

/** Configuration templates per tenant (core/config-template.ts), keyed by name. */
export interface ConfigTemplateStore {
  /** Creates or replaces the template `template.name`; true when it was new. */
  putTemplate(template: ConfigTemplate): Promise<boolean>;
  getTemplate(tenantId: string, name: string): Promise<ConfigTemplate | undefined>;
  /** By name. */
  listTemplates(tenantId: string): Promise<ConfigTemplate[]>;
  /** False when there was no such template in that tenant. */
  deleteTemplate(tenantId: string, name: string): Promise<boolean>;
}
