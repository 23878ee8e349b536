import type { Db, Filter, IndexDescription } from 'mongodb';
import {
  applyAnswer,
  applyNotification,
  newRequest,
  OPEN_STATUSES,
  REPORT_ACTIONS,
  timeOutReport,
  withTimeOut,
  type NewStationRequest,
  type RequestTransition,
  type StationRequest,
} from '../../core/requests.js';
import { isDuplicateKey } from './mongo-batcher.js';
import { nextCounter } from './mongo-collections.js';
import { decodeRequestCursor, encodeRequestCursor, type RequestQuery, type RequestStore } from '../../core/ports/store/request-store.js';
import type { Page } from '../../core/ports/store/store.js';

/** One document per request (_id station|requestId); `rev` makes read-transition-write a compare-and-set. */
interface RequestDoc extends StationRequest {
  _id: string;
  rev: number;
}

/** Kept beside the slice (like its collection): list by station, newest first. */
export const REQUEST_INDEXES: IndexDescription[] = [{ key: { tenantId: 1, stationId: 1, createdAt: -1, requestId: -1 } }, { key: { status: 1, updatedAt: 1 } }];

const RECORD_ONLY = { projection: { _id: 0, rev: 0 } } as const;

/**
 * Attempts of a compare-and-set before giving up. Each round one writer wins, so n writers racing
 * on one request need at most n rounds; a station sends its parts far fewer at a time than this.
 */
const ATTEMPTS = 64;

const idOf = (stationId: string, requestId: number) => `${stationId}|${requestId}`;

function toRequest(doc: RequestDoc): StationRequest {
  const { _id, rev, ...request } = doc;
  return request;
}

/**
 * Requests on MongoDB. Single-document writes only (no multi-document transaction, which would
 * need a replica set): a transition replaces the document only if its `rev` is still the one read,
 * and reads again otherwise.
 */
export class MongoRequests implements RequestStore {
  private readonly ready: Promise<void>;

  constructor(
    private readonly db: Db,
    ready: Promise<void>,
  ) {
    this.ready = ready.then(async () => {
      await this.requests.createIndexes(REQUEST_INDEXES);
    });
    this.ready.catch(() => {});
  }

  private get requests() {
    return this.db.collection<RequestDoc>('station_requests');
  }

  private async exists(stationId: string, requestId: number): Promise<boolean> {
    return (await this.requests.countDocuments({ _id: idOf(stationId, requestId) }, { limit: 1 })) > 0;
  }

  async create(request: NewStationRequest): Promise<number> {
    await this.ready;
    let requestId = request.requestId;
    if (requestId !== undefined) {
      const _id = idOf(request.stationId, requestId);
      await this.requests.replaceOne({ _id }, { rev: 0, ...newRequest({ ...request, requestId }) }, { upsert: true });
      return requestId;
    }
    for (;;) {
      do requestId = await nextCounter(this.db, `request-id|${request.stationId}`);
      while (await this.exists(request.stationId, requestId));
      try {
        await this.requests.insertOne({ _id: idOf(request.stationId, requestId), rev: 0, ...newRequest({ ...request, requestId }) });
        return requestId;
      } catch (error) {
        // A caller took that id between the check and the insert: take the next.
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  async get(tenantId: string, stationId: string, requestId: number): Promise<StationRequest | undefined> {
    await this.ready;
    const doc = await this.requests.findOne({ _id: idOf(stationId, requestId), tenantId }, RECORD_ONLY);
    return doc ? withTimeOut(doc as StationRequest, new Date().toISOString()) : undefined;
  }

  private async update(tenantId: string, stationId: string, requestId: number, apply: (r: StationRequest) => RequestTransition): Promise<RequestTransition | undefined> {
    await this.ready;
    const _id = idOf(stationId, requestId);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const doc = await this.requests.findOne({ _id, tenantId });
      if (!doc) return undefined;
      const transition = apply(toRequest(doc));
      if (transition.outcome !== 'applied') return transition;
      const written = await this.requests.replaceOne({ _id, rev: doc.rev }, { rev: doc.rev + 1, ...transition.request });
      if (written.matchedCount === 1) return transition;
    }
    throw new Error(`Request ${requestId} of ${stationId} kept changing under ${ATTEMPTS} attempts to update it`);
  }

  async failStaleReports(now: string, timeoutSec: number, limit: number): Promise<StationRequest[]> {
    await this.ready;
    const cutoff = new Date(Date.parse(now) - timeoutSec * 1000).toISOString();
    const docs = await this.requests
      .find({ status: { $in: [...OPEN_STATUSES] }, updatedAt: { $lt: cutoff }, action: { $in: [...REPORT_ACTIONS] } })
      .limit(limit)
      .toArray();
    const closed: StationRequest[] = [];
    for (const doc of docs) {
      const transition = timeOutReport(toRequest(doc), now, timeoutSec);
      if (transition.outcome !== 'applied') continue;
      // Compare-and-set on rev: a part that arrived meanwhile wins, the request stays open.
      const written = await this.requests.replaceOne({ _id: doc._id, rev: doc.rev }, { rev: doc.rev + 1, ...transition.request });
      if (written.matchedCount === 1) closed.push(transition.request);
    }
    return closed;
  }

  applyAnswer: RequestStore['applyAnswer'] = (tenantId, stationId, requestId, answer, at) =>
    this.update(tenantId, stationId, requestId, (r) => applyAnswer(r, answer, at));

  applyNotification: RequestStore['applyNotification'] = (tenantId, stationId, requestId, notification, at) =>
    this.update(tenantId, stationId, requestId, (r) => applyNotification(r, notification, at));

  async list(tenantId: string, stationId: string, query: RequestQuery): Promise<Page<StationRequest>> {
    await this.ready;
    const now = new Date().toISOString();
    const and: Filter<RequestDoc>[] = [{ tenantId, stationId }];
    if (query.action !== undefined) and.push({ action: query.action });
    if (query.status === 'timed-out') and.push({ status: { $in: [...OPEN_STATUSES] }, expiresAt: { $lte: now } });
    else if (query.status !== undefined && OPEN_STATUSES.includes(query.status)) {
      and.push({ status: query.status, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] });
    } else if (query.status !== undefined) and.push({ status: query.status });
    if (query.cursor) {
      const [createdAt, requestId] = decodeRequestCursor(query.cursor);
      and.push({ $or: [{ createdAt: { $lt: createdAt } }, { createdAt, requestId: { $lt: requestId } }] });
    }
    const docs = await this.requests
      .find({ $and: and }, RECORD_ONLY)
      .sort({ createdAt: -1, requestId: -1 })
      .limit(query.limit + 1)
      .toArray();
    const items = docs.slice(0, query.limit).map((doc) => withTimeOut(doc as StationRequest, now));
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeRequestCursor(last) : undefined };
  }
}
