import type { RpcErrorKind } from './errors.js';

/** OCPP-J message type numbers. CALLRESULTERROR and SEND exist only in OCPP 2.1. */
export const MessageType = {
  Call: 2,
  CallResult: 3,
  CallError: 4,
  CallResultError: 5,
  Send: 6,
} as const;

export const MAX_MESSAGE_ID_LENGTH = 36;

/** The message id used in a CALLERROR when the offending frame's id could not be read. */
export const UNKNOWN_MESSAGE_ID = '-1';

export type Payload = Record<string, unknown>;

export interface CallFrame { type: 2; id: string; action: string; payload: Payload }
export interface CallResultFrame { type: 3; id: string; payload: Payload }
export interface CallErrorFrame {
  type: 4 | 5;
  id: string;
  code: string;
  description: string;
  details: Payload;
}
export interface SendFrame { type: 6; id: string; action: string; payload: Payload }

export type Frame = CallFrame | CallResultFrame | CallErrorFrame | SendFrame;

/** Why a frame was refused, and the id to answer with (UNKNOWN_MESSAGE_ID if unreadable). */
export interface FrameError {
  kind: RpcErrorKind;
  id: string;
  message: string;
  /** True when the frame claimed to be a CALL, so the sender awaits a CALLERROR. */
  answerable: boolean;
}

export type ParseResult = { ok: true; frame: Frame } | { ok: false; error: FrameError };

function fail(kind: RpcErrorKind, id: string, message: string, answerable = true): ParseResult {
  return { ok: false, error: { kind, id, message, answerable } };
}

function isPlainObject(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses one OCPP-J text frame. Structural problems only; payloads are checked against
 * schemas later, once the action (and so the schema) is known.
 * `allowV21Types` admits CALLRESULTERROR and SEND, which only OCPP 2.1 defines.
 */
export function parseFrame(text: string, allowV21Types: boolean): ParseResult {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return fail('RpcFrameworkError', UNKNOWN_MESSAGE_ID, 'Frame is not valid JSON');
  }
  if (!Array.isArray(message) || message.length < 3) {
    return fail('RpcFrameworkError', UNKNOWN_MESSAGE_ID, 'Frame must be a JSON array of at least 3 elements');
  }
  const [type, id] = message;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_MESSAGE_ID_LENGTH) {
    // Replies and SENDs await no answer even when malformed; a CALL or an unknown type does.
    const isReplyOrSend = type === MessageType.CallResult || type === MessageType.CallError ||
      type === MessageType.CallResultError || type === MessageType.Send;
    return fail('RpcFrameworkError', UNKNOWN_MESSAGE_ID, `Message id must be a string of 1 to ${MAX_MESSAGE_ID_LENGTH} characters`, !isReplyOrSend);
  }
  switch (type) {
    case MessageType.Call:
    case MessageType.Send: {
      const answerable = type === MessageType.Call;
      if (type === MessageType.Send && !allowV21Types) {
        return fail('MessageTypeNotSupported', id, `Message type ${type} is not supported`);
      }
      if (message.length !== 4) return fail('RpcFrameworkError', id, 'CALL must have 4 elements', answerable);
      const [, , action, payload] = message;
      if (typeof action !== 'string' || action.length === 0) {
        return fail('RpcFrameworkError', id, 'Action must be a non-empty string', answerable);
      }
      if (!isPlainObject(payload)) return fail('FormatViolation', id, 'Payload must be a JSON object', answerable);
      return { ok: true, frame: { type, id, action, payload } };
    }
    case MessageType.CallResult: {
      if (message.length !== 3 || !isPlainObject(message[2])) {
        return fail('FormatViolation', id, 'CALLRESULT must be [3, id, {payload}]', false);
      }
      return { ok: true, frame: { type: 3, id, payload: message[2] } };
    }
    case MessageType.CallError:
    case MessageType.CallResultError: {
      if (type === MessageType.CallResultError && !allowV21Types) {
        return fail('MessageTypeNotSupported', id, `Message type ${type} is not supported`, false);
      }
      const [, , code, description, details] = message;
      if (message.length !== 5 || typeof code !== 'string' || typeof description !== 'string' || !isPlainObject(details)) {
        return fail('FormatViolation', id, 'CALLERROR must be [4, id, code, description, {details}]', false);
      }
      return { ok: true, frame: { type, id, code, description, details } };
    }
    default:
      return fail('MessageTypeNotSupported', id, `Message type ${String(type)} is not supported`);
  }
}

export function serializeCall(id: string, action: string, payload: Payload): string {
  return JSON.stringify([MessageType.Call, id, action, payload]);
}

export function serializeCallResult(id: string, payload: Payload): string {
  return JSON.stringify([MessageType.CallResult, id, payload]);
}

/** The description field is bounded so a CALLERROR never echoes an unbounded string back. */
export function serializeCallError(
  id: string,
  code: string,
  description: string,
  details: Payload = {},
  type: 4 | 5 = MessageType.CallError,
): string {
  return JSON.stringify([type, id, code, description.slice(0, 255), details]);
}

/**
 * True when JSON text nests objects/arrays deeper than `max` (strings are skipped). A linear
 * scan, no parsing: a station can send a frame nested thousands of levels deep that JSON.parse
 * accepts but every recursive consumer (a serialiser, a logger) overflows on.
 */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}
