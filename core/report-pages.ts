import type { StationEvent } from './station-events.js';

/**
 * Report pages as a reader wants them (issue #12): stations may send the parts of a paged report
 * out of order or twice (a retry after a lost answer). Every page is stored as received; reads
 * order them by seqNo and keep the first received of each seqNo, counting the repeats.
 */
export interface NumberedPage {
  seqNo: number;
  tbc: boolean;
}

export interface PageSet<P extends NumberedPage> {
  /** One per seqNo, ascending. */
  pages: P[];
  /** Pages received again with a seqNo already kept. */
  duplicates: number;
  /** seqNos not received below the highest one (or the last part's). */
  missing: number[];
  /** The last part (tbc=false) arrived and nothing before it is missing. */
  complete: boolean;
}

/** Pages in the order received (oldest first). */
export function pagesBySeqNo<P extends NumberedPage>(received: readonly P[]): PageSet<P> {
  const bySeqNo = new Map<number, P>();
  let duplicates = 0;
  for (const page of received) {
    if (bySeqNo.has(page.seqNo)) duplicates++;
    else bySeqNo.set(page.seqNo, page);
  }
  const pages = [...bySeqNo.values()].sort((a, b) => a.seqNo - b.seqNo);
  const last = pages.find((p) => !p.tbc);
  const top = last ? last.seqNo : (pages[pages.length - 1]?.seqNo ?? -1);
  const missing: number[] = [];
  for (let n = 0; n <= top && missing.length < 1000; n++) if (!bySeqNo.has(n)) missing.push(n);
  return { pages, duplicates, missing, complete: last !== undefined && missing.length === 0 };
}

export interface CustomerInformationPage extends NumberedPage {
  data: string;
  generatedAt: string;
  receivedAt: string;
}

export interface CustomerInformationView extends PageSet<CustomerInformationPage> {
  /** The pages' data joined in seqNo order. */
  data: string;
  /** When the station accepted clearing the customer's data (by this request), else null. */
  cleared: { at: string; identifiedBy: unknown } | null;
}

/** A CustomerInformation request's station events (kind customer-information, any order) as one view. */
export function customerInformationView(events: readonly StationEvent[]): CustomerInformationView {
  const oldestFirst = [...events].sort((a, b) => a.id - b.id);
  const received: CustomerInformationPage[] = oldestFirst
    .filter((e) => e.type !== 'cleared' && typeof e.payload.seqNo === 'number')
    .map((e) => ({
      seqNo: e.payload.seqNo as number,
      tbc: e.payload.tbc === true,
      data: typeof e.payload.data === 'string' ? e.payload.data : '',
      generatedAt: e.at,
      receivedAt: e.receivedAt,
    }));
  const set = pagesBySeqNo(received);
  const clear = oldestFirst.find((e) => e.type === 'cleared');
  return { ...set, data: set.pages.map((p) => p.data).join(''), cleared: clear ? { at: clear.at, identifiedBy: clear.payload.identifiedBy } : null };
}
