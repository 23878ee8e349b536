import { commandTable, sendOnly, type NotSupported } from '../command-spec.js';
import { correlated } from '../request-correlation.js';
import * as v2 from '../ocpp2/csms-initiated.js';
import * as changeTransactionTariff from './change-transaction-tariff.js';
import * as clearTariffs from './clear-tariffs.js';
import * as getTariffs from './get-tariffs.js';
import * as setDefaultTariff from './set-default-tariff.js';

/** OCPP 2.1 = every 2.0.1 command (same shapes) plus the actions 2.1 added. */
export const CSMS_INITIATED = commandTable([
  ...Object.values(v2.CSMS_INITIATED),
  // DER control, frequency response and dynamic schedules
  sendOnly('AFRRSignal'),
  sendOnly('ClearDERControl'),
  correlated('GetDERControl'), // → ReportDERControl
  sendOnly('SetDERControl'),
  sendOnly('UpdateDynamicSchedule'),
  sendOnly('UsePriorityCharging'),
  sendOnly('NotifyAllowedEnergyTransfer'),
  // Periodic event streams
  sendOnly('AdjustPeriodicEventStream'),
  sendOnly('GetPeriodicEventStream'),
  // Tariffs and payment
  changeTransactionTariff.command,
  clearTariffs.command,
  getTariffs.command,
  setDefaultTariff.command,
  sendOnly('NotifyWebPaymentStarted'),
  // Battery swap
  sendOnly('RequestBatterySwap'),
]);

/** CSMS-initiated 2.1 actions we refuse to send, each with the reason. */
export const NOT_SUPPORTED_OUTBOUND: NotSupported = { ...v2.NOT_SUPPORTED_OUTBOUND };
