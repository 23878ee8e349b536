import { RpcError } from '../core/errors.js';
import type { Payload } from '../core/frame.js';
import { checkPayload, type VersionSchemas } from '../core/schemas.js';
import type { HandlerContext, RoutingTable } from './handler-context.js';

export type RouteOutcome = { ok: true; payload: Payload } | { ok: false; error: RpcError };

/**
 * The one generic router: unknown action → NotImplemented, known but unhandled → NotSupported,
 * invalid request → the schema's error kind, then the handler, then our own answer is checked
 * against the response schema before it goes out.
 */
export class Router {
  constructor(
    private readonly schemas: VersionSchemas,
    private readonly table: RoutingTable,
    private readonly onInternalError: (error: unknown, action: string) => void,
  ) {}

  async route(ctx: HandlerContext, action: string, payload: Payload): Promise<RouteOutcome> {
    const validators = this.schemas.actions.get(action);
    if (!validators) return { ok: false, error: RpcError.notImplemented(action) };
    const handler = this.table[action];
    if (!handler) return { ok: false, error: RpcError.notSupported(action) };
    const violation = checkPayload(validators.request, payload);
    if (violation) {
      return { ok: false, error: new RpcError(violation.kind, violation.message, { errors: violation.errors }) };
    }
    let response: Payload;
    try {
      response = (await handler(ctx, payload)) as Payload;
    } catch (error) {
      if (error instanceof RpcError) return { ok: false, error };
      this.onInternalError(error, action);
      return { ok: false, error: RpcError.internal() };
    }
    if (validators.response) {
      const problem = checkPayload(validators.response, response);
      if (problem) {
        this.onInternalError(new Error(`Our ${action} response breaks its schema: ${problem.message}`), action);
        return { ok: false, error: RpcError.internal() };
      }
    }
    return { ok: true, payload: response };
  }
}
