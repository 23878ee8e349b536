import type { Db } from 'mongodb';
import { mergeReported, type CertificateRenewal, type StationCertificate } from '../../core/certificate-inventory.js';
import type { CertificateStore, RenewalQuery } from '../../core/ports/store/certificate-store.js';

interface CertificateDoc {
  _id: string;
  tenantId: string;
  stationId: string;
  certificateType: string;
  source: string;
  notAfter: string | null;
  renewalStatus: string | null;
  renewalAt: string | null;
  createdAt: string;
  record: StationCertificate;
}

interface LeaseDoc {
  _id: string;
  nodeId: string;
  until: string;
}

const key = (tenantId: string, stationId: string, id: string) => `${tenantId}|${stationId}|${id}`;

function toDoc(r: StationCertificate): CertificateDoc {
  return {
    _id: key(r.tenantId, r.stationId, r.id),
    tenantId: r.tenantId,
    stationId: r.stationId,
    certificateType: r.certificateType,
    source: r.source,
    notAfter: r.notAfter,
    renewalStatus: r.renewal?.status ?? null,
    renewalAt: r.renewal?.at ?? null,
    createdAt: r.createdAt,
    record: r,
  };
}

/**
 * Station certificates on MongoDB: one document per certificate, `_id` = tenant, station and id.
 * Untested on our machines (no MongoDB server); runs the contract when MONGODB_URL is set.
 */
export class MongoCertificates implements CertificateStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get docs() {
    return this.db.collection<CertificateDoc>('station_certificates');
  }

  private get leases() {
    return this.db.collection<LeaseDoc>('job_leases');
  }

  async put(record: StationCertificate): Promise<void> {
    await this.ready;
    const { _id, ...doc } = toDoc(record);
    await this.docs.replaceOne({ _id }, doc, { upsert: true });
  }

  async get(tenantId: string, stationId: string, id: string): Promise<StationCertificate | undefined> {
    await this.ready;
    return (await this.docs.findOne({ _id: key(tenantId, stationId, id) }))?.record;
  }

  async list(tenantId: string, stationId: string): Promise<StationCertificate[]> {
    await this.ready;
    const docs = await this.docs.find({ tenantId, stationId }, { sort: { certificateType: 1, createdAt: 1, _id: 1 } }).toArray();
    return docs.map((d) => d.record);
  }

  async remove(tenantId: string, stationId: string, id: string): Promise<boolean> {
    await this.ready;
    return (await this.docs.deleteOne({ _id: key(tenantId, stationId, id) })).deletedCount === 1;
  }

  async replaceReported(tenantId: string, stationId: string, types: readonly string[], records: readonly StationCertificate[]): Promise<void> {
    await this.ready;
    const known = new Map((await this.docs.find({ tenantId, stationId, certificateType: { $in: [...types] } }).toArray()).map((d) => [d.record.id, d.record]));
    const reported = new Set(records.map((r) => r.id));
    const gone = [...known.keys()].filter((id) => !reported.has(id)).map((id) => key(tenantId, stationId, id));
    if (gone.length > 0) await this.docs.deleteMany({ _id: { $in: gone } });
    for (const record of records) await this.put(mergeReported(known.get(record.id), record));
  }

  async listRenewalCandidates(query: RenewalQuery): Promise<StationCertificate[]> {
    await this.ready;
    const docs = await this.docs
      .find(
        {
          source: 'signed',
          notAfter: { $ne: null, $lte: query.expiringBefore },
          $or: [{ renewalStatus: null }, { renewalStatus: { $ne: 'renewed' }, renewalAt: { $lte: query.askedBefore } }],
        },
        { sort: { notAfter: 1, _id: 1 }, limit: query.limit },
      )
      .toArray();
    return docs.map((d) => d.record);
  }

  async setRenewal(tenantId: string, stationId: string, id: string, renewal: CertificateRenewal, at: string): Promise<boolean> {
    await this.ready;
    const current = await this.get(tenantId, stationId, id);
    if (!current) return false;
    const next = { ...current, renewal, updatedAt: at };
    const result = await this.docs.updateOne(
      { _id: key(tenantId, stationId, id) },
      { $set: { renewalStatus: renewal.status, renewalAt: renewal.at, record: next } },
    );
    return result.matchedCount === 1;
  }

  async listRenewals(tenantId: string, limit: number): Promise<StationCertificate[]> {
    await this.ready;
    const docs = await this.docs.find({ tenantId, renewalStatus: { $ne: null } }, { sort: { renewalAt: -1, stationId: 1, _id: 1 }, limit }).toArray();
    return docs.map((d) => d.record);
  }

  async takeLease(job: string, nodeId: string, now: string, until: string): Promise<boolean> {
    await this.ready;
    try {
      const result = await this.leases.updateOne(
        { _id: job, $or: [{ nodeId }, { until: { $lte: now } }] },
        { $set: { nodeId, until } },
        { upsert: true },
      );
      return result.matchedCount === 1 || result.upsertedCount === 1;
    } catch (error) {
      // The upsert of a lease another node holds collides with its _id: not ours.
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async releaseLease(job: string, nodeId: string): Promise<void> {
    await this.ready;
    await this.leases.deleteOne({ _id: job, nodeId });
  }
}
