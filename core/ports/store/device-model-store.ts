import type { ActualValueUpdate, DeviceModelEntry, DeviceModelVariable } from '../../device-model.js';
import type { Page, PageQuery } from './store.js';

export interface DeviceModelQuery extends PageQuery {
  /** Only variables of this component name. */
  component?: string;
  /** Only variables of this name. */
  variable?: string;
  /** Only variables of components on this EVSE. */
  evseId?: number;
}

/**
 * The device model of each station (components/variables as reported by NotifyReport, actual
 * values from NotifyEvent). A slice exposed as `store.deviceModel`.
 */
export interface DeviceModelStore {
  /** Upserts by component+variable: one call (one write) per NotifyReport page. */
  recordDeviceModel(tenantId: string, stationId: string, entries: DeviceModelEntry[]): Promise<void>;
  /** Sets the Actual value of each variable (core/device-model.ts withActualValue), in one write. */
  recordActualValues(tenantId: string, stationId: string, updates: ActualValueUpdate[]): Promise<void>;
  /** In key order (component, then variable). */
  listDeviceModel(tenantId: string, stationId: string, query: DeviceModelQuery): Promise<Page<DeviceModelVariable>>;
}
