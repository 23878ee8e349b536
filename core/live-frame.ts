/**
 * What the live message inspector shows of a frame (GET /stations/{id}/frames/live): its type,
 * id, action and, for a CALLERROR, its code and whether it says the peer's frame broke the
 * schema. Pure; parses only frames of stations someone watches.
 */
export const SCHEMA_ERROR_CODES: ReadonlySet<string> = new Set([
  'FormatViolation', 'FormationViolation', 'TypeConstraintViolation', 'PropertyConstraintViolation',
  'OccurenceConstraintViolation', 'OccurrenceConstraintViolation', 'ProtocolError',
]);

const TYPES: Record<number, string> = { 2: 'CALL', 3: 'CALLRESULT', 4: 'CALLERROR', 5: 'CALLRESULTERROR', 6: 'SEND' };

export interface FrameSummary {
  /** CALL, CALLRESULT, CALLERROR, CALLRESULTERROR, SEND; `unreadable` when it is no OCPP-J frame. */
  type: string;
  messageId: string | null;
  /** The action of a CALL or SEND. */
  action: string | null;
  /** A CALLERROR's code and description. */
  errorCode: string | null;
  errorDescription: string | null;
  /** A CALLERROR saying the frame it answers broke the schema (the gateway refused it). */
  schemaError: boolean;
}

export function summarizeFrame(text: string): FrameSummary {
  const none: FrameSummary = { type: 'unreadable', messageId: null, action: null, errorCode: null, errorDescription: null, schemaError: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return none;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'number' || !(parsed[0] in TYPES)) return none;
  const type = TYPES[parsed[0]]!;
  const messageId = typeof parsed[1] === 'string' ? parsed[1] : null;
  const isCall = parsed[0] === 2 || parsed[0] === 6;
  const isError = parsed[0] === 4 || parsed[0] === 5;
  const errorCode = isError && typeof parsed[2] === 'string' ? parsed[2] : null;
  return {
    type,
    messageId,
    action: isCall && typeof parsed[2] === 'string' ? parsed[2] : null,
    errorCode,
    errorDescription: isError && typeof parsed[3] === 'string' ? parsed[3] : null,
    schemaError: errorCode !== null && SCHEMA_ERROR_CODES.has(errorCode),
  };
}
