import type { OcppVersion } from '../../core/protocols.js';
import type { RoutingTable } from '../handler-context.js';
import { ocpp16Routes } from './ocpp16/routing.js';
import { ocpp201Routes, ocpp21Routes } from './ocpp2/routing.js';

export const ROUTES: Record<OcppVersion, RoutingTable> = {
  'ocpp1.6': ocpp16Routes,
  'ocpp2.0.1': ocpp201Routes,
  'ocpp2.1': ocpp21Routes,
};
