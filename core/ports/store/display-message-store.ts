import type { DisplayMessage } from '../../display-messages.js';

/** Who a stored message comes from: what the CSMS set (and the station accepted), or what the station reported. */
export type DisplayMessageSource = 'csms' | 'station';

export interface StoredDisplayMessage {
  tenantId: string;
  stationId: string;
  source: DisplayMessageSource;
  message: DisplayMessage;
  /** ISO time it was set or reported. */
  updatedAt: string;
}

export interface DisplayMessageQuery {
  /** One station's messages; absent: the tenant's (then transactionId is required by the API). */
  stationId?: string;
  transactionId?: string;
  source?: DisplayMessageSource;
}

/** Display messages per station, by source; a message id is unique per station and source. */
export interface DisplayMessageStore {
  /** Stores or replaces each (same station, source and message id), in one write. */
  put(records: StoredDisplayMessage[]): Promise<void>;
  /** Ordered by station, message id, source; at most 1000. */
  list(tenantId: string, query: DisplayMessageQuery): Promise<StoredDisplayMessage[]>;
  /** Removes a station's message `id` (null: every message) from the given sources; resolves with how many went. */
  remove(tenantId: string, stationId: string, id: number | null, sources: DisplayMessageSource[]): Promise<number>;
}
