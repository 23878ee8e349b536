import { compositeFrom16, compositeRequest16, type CompositeSchedule, type CompositeScheduleQuery } from '../../../core/composite-schedule.js';
import type { CommandSpec } from '../command-spec.js';
import { compositeScheduleReported } from '../shared/composite-schedules.js';

/** The station's answer is kept (station event `composite-schedule`) and published, whoever sent the call (typed, generic, NATS). */
export const command: CommandSpec<Record<string, any>, Record<string, any>> = {
  action: 'GetCompositeSchedule',
  async onResult(ctx, req, res) {
    await compositeScheduleReported(ctx, compositeFrom16(res, Number(req.connectorId ?? 0)));
  },
};

export function toOcpp(input: CompositeScheduleQuery): Record<string, unknown> {
  return compositeRequest16(input);
}

/** The answer version-neutrally (the requested EVSE when the answer does not name one: 0). */
export function fromOcpp(result: Record<string, any>): CompositeSchedule {
  return compositeFrom16(result, 0);
}
