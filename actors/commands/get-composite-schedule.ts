import type { CompositeSchedule, CompositeScheduleQuery } from '../../core/composite-schedule.js';
import * as v16 from '../actions/ocpp16/get-composite-schedule.js';
import * as v2 from '../actions/ocpp2/get-composite-schedule.js';
import { stationCommand } from './command.js';

/** GetCompositeSchedule, 1.6 and 2.x; the answer is kept by the action's onResult (station event `composite-schedule`). */
export const getCompositeSchedule = stationCommand<CompositeScheduleQuery, CompositeSchedule>('GetCompositeSchedule', { ocpp16: v16 as never, ocpp2: v2 as never });
