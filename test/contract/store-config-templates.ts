import type { Test } from 'tap';
import type { ConfigTemplate } from '../../core/config-template.js';
import type { Store } from '../../core/ports/store/store.js';
import type { StoreContractOptions } from './store.js';

/** Configuration templates (`store.configTemplates`): per tenant, by name, replaced whole, deletable. */
export function configTemplateStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }
  const template = (tenantId: string, templateName: string, value = '300'): ConfigTemplate => ({
    tenantId,
    name: templateName,
    description: 'fleet defaults',
    match: { vendor: 'ACME', model: 'X1' },
    settings: [
      { component: 'OCPP16', variable: 'HeartbeatInterval', value },
      { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value },
      { component: 'EVSE', evseId: 1, variable: 'Power', attributeType: 'MaxSet', value: '22000' },
    ],
    updatedAt: '2026-11-30T06:00:00.000Z',
  });

  t.test(`${name}: configuration template store contract`, async (t) => {
    t.test('a template comes back as stored; a second put replaces it', async (t) => {
      const store = await fresh(t);
      t.equal(await store.configTemplates.putTemplate(template('acme', 'fleet')), true, 'new');
      t.same(await store.configTemplates.getTemplate('acme', 'fleet'), template('acme', 'fleet'));
      t.equal(await store.configTemplates.putTemplate(template('acme', 'fleet', '600')), false, 'replaced, not new');
      t.equal((await store.configTemplates.getTemplate('acme', 'fleet'))!.settings[0]!.value, '600');
    });

    t.test('templates are per tenant and listed by name', async (t) => {
      const store = await fresh(t);
      await store.configTemplates.putTemplate(template('acme', 'zeta'));
      await store.configTemplates.putTemplate(template('acme', 'alpha'));
      await store.configTemplates.putTemplate(template('globex', 'alpha', '900'));
      t.same((await store.configTemplates.listTemplates('acme')).map((x) => x.name), ['alpha', 'zeta']);
      t.equal((await store.configTemplates.getTemplate('globex', 'alpha'))!.settings[0]!.value, '900');
      t.equal(await store.configTemplates.getTemplate('globex', 'zeta'), undefined, "another tenant's template is absent");
    });

    t.test('delete removes only that template', async (t) => {
      const store = await fresh(t);
      await store.configTemplates.putTemplate(template('acme', 'fleet'));
      await store.configTemplates.putTemplate(template('globex', 'fleet'));
      t.equal(await store.configTemplates.deleteTemplate('acme', 'fleet'), true);
      t.equal(await store.configTemplates.deleteTemplate('acme', 'fleet'), false, 'already gone');
      t.equal(await store.configTemplates.getTemplate('acme', 'fleet'), undefined);
      t.ok(await store.configTemplates.getTemplate('globex', 'fleet'), 'the other tenant keeps its own');
    });
  });
}
