/**
 * Payloads a simulated station sends, per OCPP version, as JSON text. They are built from
 * templates rather than objects + JSON.stringify because the simulator must stay far
 * cheaper per message than the CSMS it measures. `node dist/bench/tools/validate-payloads.js`
 * checks all of them against the official schemas shipped by ocpp-rpc.
 */
export type OcppVersion = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';
export const VERSIONS: readonly OcppVersion[] = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'];

// One ISO timestamp shared by all messages, refreshed ten times a second.
let nowIso = new Date().toISOString();
setInterval(() => (nowIso = new Date().toISOString()), 100).unref();
export function now(): string {
  return nowIso;
}

export function bootNotification(v: OcppVersion, serial: string): string {
  if (v === 'ocpp1.6') {
    return `{"chargePointVendor":"Switchyard","chargePointModel":"SimStation","chargePointSerialNumber":"${serial}","firmwareVersion":"1.0.0"}`;
  }
  return `{"reason":"PowerUp","chargingStation":{"model":"SimStation","vendorName":"Switchyard","serialNumber":"${serial}","firmwareVersion":"1.0.0"}}`;
}

export function heartbeat(): string {
  return '{}';
}

export function statusNotification(v: OcppVersion, available: boolean): string {
  if (v === 'ocpp1.6') {
    return `{"connectorId":1,"errorCode":"NoError","status":"${available ? 'Available' : 'Charging'}","timestamp":"${nowIso}"}`;
  }
  return `{"timestamp":"${nowIso}","connectorStatus":"${available ? 'Available' : 'Occupied'}","evseId":1,"connectorId":1}`;
}

export function meterValues(v: OcppVersion, wh: number, transactionId?: number): string {
  if (v === 'ocpp1.6') {
    const tx = transactionId === undefined ? '' : `,"transactionId":${transactionId}`;
    return `{"connectorId":1${tx},"meterValue":[{"timestamp":"${nowIso}","sampledValue":[{"value":"${wh}","measurand":"Energy.Active.Import.Register","unit":"Wh"},{"value":"7400","measurand":"Power.Active.Import","unit":"W"}]}]}`;
  }
  return `{"evseId":1,"meterValue":[{"timestamp":"${nowIso}","sampledValue":[{"value":${wh},"measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"Wh"}},{"value":7400,"measurand":"Power.Active.Import","unitOfMeasure":{"unit":"W"}}]}]}`;
}

/** Distinct id tokens the fleet uses; station i presents token i mod this. */
export const ID_TAG_POOL = 1000;
const ID_TAGS = Array.from({ length: ID_TAG_POOL }, (_, i) => (0xb0000000 + i).toString(16).toUpperCase());

/**
 * The id token of station `index`: 8 upper-case hex characters (a 4-byte ISO14443 UID,
 * e.g. `B00003E7`), so a CSMS that checks ISO14443 tokens accepts it; also a valid 1.6
 * idTag (≤ 20 characters). Deterministic: the same station always presents the same token.
 */
export function idTag(index: number): string {
  return ID_TAGS[((index % ID_TAG_POOL) + ID_TAG_POOL) % ID_TAG_POOL]!;
}

export function authorize(v: OcppVersion, tag: string): string {
  if (v === 'ocpp1.6') return `{"idTag":"${tag}"}`;
  return `{"idToken":{"idToken":"${tag}","type":"ISO14443"}}`;
}

export function startTransaction(tag: string, meterStart: number): string {
  return `{"connectorId":1,"idTag":"${tag}","meterStart":${meterStart},"timestamp":"${nowIso}"}`;
}

export function stopTransaction(transactionId: number, meterStop: number, tag: string): string {
  return `{"transactionId":${transactionId},"idTag":"${tag}","meterStop":${meterStop},"timestamp":"${nowIso}","reason":"Local"}`;
}

export type TxEventType = 'Started' | 'Updated' | 'Ended';

/** OCPP 2.x TransactionEvent; the station owns the transaction id. */
export function transactionEvent(
  type: TxEventType,
  transactionId: string,
  seqNo: number,
  wh: number,
  tag: string,
): string {
  const trigger = type === 'Started' ? 'Authorized' : type === 'Ended' ? 'StopAuthorized' : 'MeterValuePeriodic';
  const state = type === 'Ended' ? ',"stoppedReason":"Local"' : ',"chargingState":"Charging"';
  const id = type === 'Updated' ? '' : `,"idToken":{"idToken":"${tag}","type":"ISO14443"}`;
  const evse = type === 'Started' ? ',"evse":{"id":1,"connectorId":1}' : '';
  return (
    `{"eventType":"${type}","timestamp":"${nowIso}","triggerReason":"${trigger}","seqNo":${seqNo}` +
    `,"transactionInfo":{"transactionId":"${transactionId}"${state}}${id}${evse}` +
    `,"meterValue":[{"timestamp":"${nowIso}","sampledValue":[{"value":${wh},"measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"Wh"}}]}]}`
  );
}
