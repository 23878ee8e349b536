import type { Payload } from '../../core/frame.js';
import type { VariableRef } from '../actions/command-inputs.js';
import { componentOf, variableOf } from '../actions/ocpp2/device-model-refs.js';
import { defined } from '../actions/payload-helpers.js';
import { stationCommand, type VersionMapping } from './command.js';

/**
 * Monitoring (2.x block N): the five CSMS-initiated monitoring actions as typed commands. They
 * exist only in 2.0.1 and 2.1 (1.6 stations get WRONG_PROTOCOL). GetMonitoringReport is
 * correlated with its NotifyMonitoringReport pages by the action's own spec (the requestId is
 * allocated when the caller gives none), so its report is stored whoever sent it.
 */

export interface MonitorInput extends VariableRef {
  /** The station's monitor id, to replace an existing monitor; absent: a new one. */
  id?: number;
  type: 'UpperThreshold' | 'LowerThreshold' | 'Delta' | 'Periodic' | 'PeriodicClockAligned';
  value: number;
  /** 0 (Danger) … 9 (Debug). */
  severity: number;
  /** Only while a transaction runs. */
  transaction?: boolean;
}

export interface SetMonitorsInput { monitors: MonitorInput[] }
export interface ClearMonitorsInput { ids: number[] }
export interface MonitoringBaseInput { base: 'All' | 'FactoryDefault' | 'HardWiredOnly' }
export interface MonitoringLevelInput { severity: number }
export interface MonitoringReportInput {
  requestId?: number;
  criteria?: Array<'ThresholdMonitoring' | 'DeltaMonitoring' | 'PeriodicMonitoring'>;
  variables?: VariableRef[];
}

const UNAVAILABLE = { unavailable: 'monitoring exists only in OCPP 2.0.1 and 2.1' };

function only2<In>(action: string, toOcpp: (input: In) => object): VersionMapping<In, Payload> {
  return { command: { action }, toOcpp };
}

export const setMonitors = stationCommand<SetMonitorsInput>('SetVariableMonitoring', {
  ocpp2: only2('SetVariableMonitoring', (input: SetMonitorsInput) => ({
    setMonitoringData: input.monitors.map((m) =>
      defined({ id: m.id, transaction: m.transaction, value: m.value, type: m.type, severity: m.severity, component: componentOf(m), variable: variableOf(m) }),
    ),
  })),
}, UNAVAILABLE);

export const clearMonitors = stationCommand<ClearMonitorsInput>('ClearVariableMonitoring', {
  ocpp2: only2('ClearVariableMonitoring', (input: ClearMonitorsInput) => ({ id: input.ids })),
}, UNAVAILABLE);

export const setMonitoringBase = stationCommand<MonitoringBaseInput>('SetMonitoringBase', {
  ocpp2: only2('SetMonitoringBase', (input: MonitoringBaseInput) => ({ monitoringBase: input.base })),
}, UNAVAILABLE);

export const setMonitoringLevel = stationCommand<MonitoringLevelInput>('SetMonitoringLevel', {
  ocpp2: only2('SetMonitoringLevel', (input: MonitoringLevelInput) => ({ severity: input.severity })),
}, UNAVAILABLE);

export const getMonitoringReport = stationCommand<MonitoringReportInput>('GetMonitoringReport', {
  ocpp2: only2('GetMonitoringReport', (input: MonitoringReportInput) =>
    defined({
      requestId: input.requestId,
      monitoringCriteria: input.criteria,
      componentVariable: input.variables?.map((v) => defined({ component: componentOf(v), variable: v.variable ? variableOf(v) : undefined })),
    }),
  ),
}, UNAVAILABLE);
