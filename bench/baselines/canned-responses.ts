/**
 * The trivial CALLRESULT payloads both baseline servers answer with: no validation, no
 * state, just enough for a station to proceed (Boot Accepted, a transaction id, …).
 * Shared so the two baselines differ only in their WebSocket stack.
 */
let nowIso = new Date().toISOString();
setInterval(() => (nowIso = new Date().toISOString()), 1000).unref();
let nextTransactionId = 1;

/** Returns the CALLRESULT text for a CALL, or undefined if the frame is not a CALL. */
export function answerCall(text: string, protocol: string): string | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(msg) || msg[0] !== 2) return undefined;
  return `[3,${JSON.stringify(msg[1])},${payloadFor(String(msg[2]), protocol)}]`;
}

function payloadFor(action: string, protocol: string): string {
  const v16 = protocol === 'ocpp1.6';
  switch (action) {
    case 'BootNotification':
      return `{"status":"Accepted","currentTime":"${nowIso}","interval":300}`;
    case 'Heartbeat':
      return `{"currentTime":"${nowIso}"}`;
    case 'Authorize':
      return v16 ? '{"idTagInfo":{"status":"Accepted"}}' : '{"idTokenInfo":{"status":"Accepted"}}';
    case 'StartTransaction':
      return `{"transactionId":${nextTransactionId++},"idTagInfo":{"status":"Accepted"}}`;
    default:
      return '{}';
  }
}

/** Picks the first OCPP subprotocol the station offers. */
export function pickProtocol(header: string | undefined): string {
  for (const p of (header ?? '').split(',')) {
    const v = p.trim();
    if (v === 'ocpp1.6' || v === 'ocpp2.0.1' || v === 'ocpp2.1') return v;
  }
  return '';
}
