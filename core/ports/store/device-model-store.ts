import type { DeviceModelEntry, DeviceModelVariable } from '../../device-model.js';
import type { Page, PageQuery } from './store.js';

export interface DeviceModelQuery extends PageQuery {
  /** Only variables of this component name. */
  component?: string;
}

/**
 * The device model of each station (components/variables as reported). The shape is settled
 * now; the device-model work fills it from NotifyReport / GetVariables.
 */
export interface DeviceModelStore {
  /** Upserts by component+variable: one call per NotifyReport page. */
  recordDeviceModel(tenantId: string, stationId: string, entries: DeviceModelEntry[]): Promise<void>;
  /** In key order (component, then variable). */
  listDeviceModel(tenantId: string, stationId: string, query: DeviceModelQuery): Promise<Page<DeviceModelVariable>>;
}
