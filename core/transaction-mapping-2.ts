import { ENERGY_REGISTER } from './energy.js';
import type { OcppVersion } from './protocols.js';
import { canonicalTime, type IdTokenRef, type MeterSample, type TxEvent } from './transaction-types.js';

/** OCPP 2.0.1 / 2.1 TransactionEvent → version-neutral event. seqNo orders and de-duplicates. */
export interface SampledValue2 {
  value: number;
  context?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  unitOfMeasure?: { unit?: string; multiplier?: number };
  signedMeterValue?: { signedMeterData: string; signingMethod: string; encodingMethod: string; publicKey: string };
}

export interface MeterValue2 {
  timestamp: string;
  sampledValue: SampledValue2[];
}

export interface TransactionEventRequest {
  eventType: 'Started' | 'Updated' | 'Ended';
  timestamp: string;
  triggerReason: string;
  seqNo: number;
  offline?: boolean;
  reservationId?: number;
  transactionInfo: {
    transactionId: string;
    chargingState?: string;
    timeSpentCharging?: number;
    stoppedReason?: string;
    remoteStartId?: number;
    /** 2.1 only. */
    operationMode?: string;
    tariffId?: string;
  };
  evse?: { id: number; connectorId?: number };
  idToken?: IdTokenRef & { additionalInfo?: unknown[] };
  meterValue?: MeterValue2[];
  /** 2.1 only: the station's own cost (local cost calculation), see core/tariff-ocpp21.ts. */
  costDetails?: unknown;
}

export function meterSamplesFrom2(values: MeterValue2[] | undefined): MeterSample[] {
  return (values ?? []).map((mv) => ({
    timestamp: canonicalTime(mv.timestamp),
    sampledValue: mv.sampledValue.map((sv) => ({
      value: sv.value,
      measurand: sv.measurand ?? ENERGY_REGISTER,
      unit: sv.unitOfMeasure?.unit ?? null,
      multiplier: sv.unitOfMeasure?.multiplier ?? 0,
      context: sv.context ?? null,
      phase: sv.phase ?? null,
      location: sv.location ?? null,
      ...(sv.signedMeterValue
        ? {
            signedMeterValue: {
              signedMeterData: sv.signedMeterValue.signedMeterData,
              signingMethod: sv.signedMeterValue.signingMethod,
              encodingMethod: sv.signedMeterValue.encodingMethod,
              publicKey: sv.signedMeterValue.publicKey,
              format: null,
            },
          }
        : {}),
    })),
  }));
}

export function transactionEventFrom2(protocol: OcppVersion, req: TransactionEventRequest): TxEvent {
  const info = req.transactionInfo;
  return {
    protocol,
    eventType: req.eventType,
    transactionId: info.transactionId,
    timestamp: canonicalTime(req.timestamp),
    order: [req.seqNo, 0],
    dedupKey: `seq:${req.seqNo}`,
    seqNo: req.seqNo,
    triggerReason: req.triggerReason,
    reservationId: req.reservationId,
    offline: req.offline,
    chargingState: info.chargingState,
    stoppedReason: info.stoppedReason,
    remoteStartId: info.remoteStartId,
    operationMode: info.operationMode,
    tariffId: info.tariffId,
    evseId: req.evse?.id,
    connectorId: req.evse?.connectorId,
    idToken: req.idToken ? { idToken: req.idToken.idToken, type: req.idToken.type } : undefined,
    meterValues: meterSamplesFrom2(req.meterValue),
  };
}
