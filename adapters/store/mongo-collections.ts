import type { Collection, Db, Document, IndexDescription } from 'mongodb';

/**
 * Collection names and indexes of the MongoDB store, designed for 100k+ stations: every
 * document carries tenantId, and every tenant-scoped query has a compound index starting with it.
 * Ids that are unique across tenants (station ids) or per station are the documents' _id.
 */
export const INDEXES: Record<string, IndexDescription[]> = {
  stations: [{ key: { tenantId: 1, _id: 1 } }],
  connector_statuses: [{ key: { tenantId: 1, stationId: 1, evseId: 1, connectorId: 1 } }],
  connector_status_history: [{ key: { tenantId: 1, stationId: 1, reportedAt: 1 } }, { key: { reportedAt: 1 } }, { key: { tenantId: 1, stationId: 1, evseId: 1, connectorId: 1, reportedAt: -1 } }],
  transactions: [
    { key: { tenantId: 1, stationId: 1, startedAt: -1 } },
    { key: { tenantId: 1, id: 1 } },
    { key: { tenantId: 1, stationId: 1, evseId: 1, isActive: 1 } },
    { key: { tenantId: 1, isActive: 1, updatedAt: -1 } },
    { key: { tenantId: 1, startedAt: -1, stationId: -1, id: -1 } },
    { key: { tenantId: 1, updatedAt: -1, stationId: -1, id: -1 } },
    { key: { tenantId: 1, 'idToken.idToken': 1, startedAt: -1 } },
    { key: { tenantId: 1, remoteStartId: 1 }, partialFilterExpression: { remoteStartId: { $type: 'number' } } },
    { key: { stationId: 1, startKey: 1 }, unique: true, partialFilterExpression: { startKey: { $type: 'string' } } },
  ],
  meter_values: [{ key: { stationId: 1, transactionId: 1, timestamp: 1 } }, { key: { tenantId: 1, timestamp: 1 } }],
  remote_starts: [{ key: { stationId: 1, idToken: 1, createdAt: -1 }, partialFilterExpression: { claimed: false } }],
  id_tokens: [
    { key: { tenantId: 1, idToken: 1 }, unique: true },
    { key: { tenantId: 1, idToken: 1, type: 1 }, name: 'id_tokens_ci', collation: { locale: 'en', strength: 2 } },
  ],
  local_lists: [{ key: { tenantId: 1, _id: 1 } }],
  device_model: [{ key: { tenantId: 1, stationId: 1, key: 1 } }, { key: { tenantId: 1, stationId: 1, componentName: 1, key: 1 } }],
  api_keys: [{ key: { keyHash: 1 }, unique: true }, { key: { tenantId: 1, createdAt: -1 } }],
  message_log: [{ key: { tenantId: 1, stationId: 1, seq: -1 } }, { key: { at: 1 } }],
  station_events: [{ key: { stationId: 1, _id: -1 } }, { key: { tenantId: 1, stationId: 1, _id: -1 } }, { key: { tenantId: 1, stationId: 1, kind: 1, _id: -1 } }, { key: { tenantId: 1, _id: -1 }, partialFilterExpression: { kind: 'alert' } }],
  alert_states: [{ key: { tenantId: 1, lastAt: -1, stationId: -1, key: -1 } }, { key: { stationId: 1, evseId: 1, connectorId: 1, state: 1 } }],
  charging_profiles: [{ key: { tenantId: 1, stationId: 1, source: 1 } }],
  reservations: [
    { key: { tenantId: 1, reservationId: -1 } },
    { key: { tenantId: 1, stationId: 1, reservationId: -1 } },
    { key: { status: 1, expiresAtUtc: 1 } },
  ],
  display_messages: [{ key: { tenantId: 1, stationId: 1 } }, { key: { tenantId: 1, 'message.transactionId': 1 } }],
  firmware_campaigns: [{ key: { tenantId: 1, createdAt: -1, _id: -1 } }, { key: { createdAt: 1, _id: 1 }, partialFilterExpression: { active: true } }],
  upload_slots: [{ key: { tenantId: 1, stationId: 1, requestId: 1, createdAt: -1 } }],
  users: [{ key: { usernameLower: 1 }, unique: true }, { key: { tenantId: 1, username: 1 } }],
  user_sessions: [{ key: { userId: 1 } }],
  audit_log: [{ key: { tenantId: 1, _id: -1 } }],
  ocpi_docs: [{ key: { tenantId: 1, kind: 1, lastUpdated: 1, id: 1 } }, { key: { kind: 1, lookup: 1 }, unique: true, partialFilterExpression: { lookup: { $type: 'string' } } }],
  ocpi_deliveries: [{ key: { tenantId: 1, partnerId: 1, seq: 1 } }],
  station_certificates: [{ key: { tenantId: 1, stationId: 1, certificateType: 1, createdAt: 1 } }, { key: { notAfter: 1 }, partialFilterExpression: { source: 'signed' } }, { key: { tenantId: 1, renewalAt: -1 } }],
  job_leases: [],
  tariffs: [{ key: { tenantId: 1, id: 1 } }],
  tariff_assignments: [{ key: { tenantId: 1, kind: 1, key: 1 } }],
  transaction_costs: [{ key: { stationId: 1, transactionId: 1 }, partialFilterExpression: { final: false } }],
  sites: [{ key: { tenantId: 1, createdAt: 1, id: 1 } }, { key: { tenantId: 1, stationIds: 1 } }],
  counters: [],
};

export type CollectionName = keyof typeof INDEXES;

export interface Collections {
  get(name: CollectionName): Collection<Document>;
}

export async function ensureIndexes(db: Db): Promise<void> {
  for (const [name, indexes] of Object.entries(INDEXES)) {
    if (indexes.length > 0) await db.collection(name).createIndexes(indexes);
  }
}

/** Next value of a named counter (1.6 transaction ids, remote start ids, message log seq). */
export async function nextCounter(db: Db, name: string, by = 1): Promise<number> {
  const doc = await db
    .collection<{ _id: string; value: number }>('counters')
    .findOneAndUpdate({ _id: name }, { $inc: { value: by } }, { upsert: true, returnDocument: 'after' });
  return doc!.value;
}

/** Raises a counter to at least `value` (an id given from outside must never be issued later). */
export async function raiseCounter(db: Db, name: string, value: number): Promise<void> {
  await db.collection<{ _id: string; value: number }>('counters').updateOne({ _id: name }, { $max: { value } }, { upsert: true });
}
