import type { Payload } from '../../core/frame.js';
import type { CampaignFirmware } from '../../core/firmware-campaign.js';
import type { LocalListEntry } from '../../core/local-list.js';
import type { TariffRecord } from '../../core/tariff-assignment.js';

/**
 * Version-neutral inputs of the typed commands (actors/commands/), which each version's action
 * file maps onto OCPP with a pure `toOcpp`. Addressing uses the 2.x model (EVSE + connector);
 * a 1.6 connector N is EVSE N (see core/version-mapping.ts), so `evseId` becomes the 1.6
 * `connectorId` and 0 means the whole station.
 */

/** One OCPP call, ready to send. */
export interface Mapped {
  action: string;
  payload: Payload;
}

export interface ResetInput { type: 'Soft' | 'Hard' | 'OnIdle' | 'Immediate'; evseId?: number }
export interface AvailabilityInput { operative: boolean; evseId?: number; connectorId?: number }
export interface UnlockInput { evseId: number; connectorId?: number }
export interface TriggerInput { message: string; evseId?: number; connectorId?: number }
export interface GetConfigurationInput { key?: string[] }
export interface ChangeConfigurationInput { key: string; value: string }

export interface VariableRef {
  component: string;
  componentInstance?: string;
  evseId?: number;
  connectorId?: number;
  variable: string;
  variableInstance?: string;
  attributeType?: string;
}
export interface GetVariablesInput { variables: VariableRef[] }
export interface SetVariablesInput { variables: Array<VariableRef & { value: string }> }

export interface DataTransferInput { vendorId: string; messageId?: string; data?: unknown }

/** `type` is the 2.x IdTokenType; 1.6 idTags carry none. */
export interface RemoteStartInput { idToken: string; type?: string; evseId?: number }
/** `transactionId` as the API shows it; 1.6 needs the station's numeric id (`ocppTransactionId`). */
export interface RemoteStopInput { transactionId: string; ocppTransactionId?: number }
export interface TransactionStatusInput { transactionId: string }

/** 2.1 tariff commands: our tariffs by id; `tariff` is filled in from the store before mapping (resolve). */
export interface SetDefaultTariffInput { tariffId: string; evseId?: number; tariff?: TariffRecord }
export interface GetTariffsInput { evseId?: number }
export interface ClearTariffsInput { tariffIds?: string[]; evseId?: number }
export interface ChangeTransactionTariffInput { transactionId: string; tariffId: string; tariff?: TariffRecord }

/** totalCost: a decimal string incl. tax (core/tariff-assignment.ts TransactionCost.totalInclTax). */
export interface CostUpdatedInput { transactionId: string; totalCost: string }

/** In a differential update an entry without `status` removes that token. */
export interface LocalListInput { updateType: 'Full' | 'Differential'; version: number; entries: LocalListEntry[] }

/**
 * Firmware to install (2.x FirmwareType fields). With `signingCertificate` and `signature` a 1.6
 * station gets SignedUpdateFirmware (security whitepaper), else UpdateFirmware. `requestId`: the
 * caller's own id (2.x, 1.6 signed); absent: the CSMS allocates one.
 */
export interface UpdateFirmwareInput extends CampaignFirmware {
  requestId?: number;
}

/** GetLog (2.x, 1.6 security whitepaper). `remoteLocation` absent: the built-in upload target. */
export interface GetLogInput {
  logType: 'DiagnosticsLog' | 'SecurityLog';
  remoteLocation: string;
  oldestTimestamp?: string;
  latestTimestamp?: string;
  retries?: number;
  retryInterval?: number;
  requestId?: number;
}

/** 1.6 GetDiagnostics. */
export interface GetDiagnosticsInput {
  location: string;
  startTime?: string;
  stopTime?: string;
  retries?: number;
  retryInterval?: number;
}

/** 2.x PublishFirmware (to a Local Controller). */
export interface PublishFirmwareInput {
  location: string;
  checksum: string;
  retries?: number;
  retryInterval?: number;
  requestId?: number;
}

export interface UnpublishFirmwareInput { checksum: string }
