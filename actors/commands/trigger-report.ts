import { stationCommand } from './command.js';

/** What a bulk report job asks each station for (2.x GetBaseReport `reportBase`). */
export type ReportBase = 'ConfigurationInventory' | 'FullInventory' | 'SummaryInventory';

export interface TriggerReportInput {
  reportBase: ReportBase;
}

/**
 * A station's configuration report, version-neutral (bulk report jobs, `POST /reports`): 2.x
 * `GetBaseReport { requestId, reportBase }` (correlated: the CSMS allocates the requestId and the
 * NotifyReport pages fill the device model and complete the request); 1.6 `GetConfiguration {}`
 * (every key; the answer itself fills the device model, component OCPP16).
 */
export const triggerReport = stationCommand<TriggerReportInput>('TriggerReport', {
  ocpp16: { command: { action: 'GetConfiguration' }, toOcpp: () => ({}) },
  ocpp2: { command: { action: 'GetBaseReport' }, toOcpp: (input: TriggerReportInput) => ({ reportBase: input.reportBase }) },
});
