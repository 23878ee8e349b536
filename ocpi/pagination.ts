import type { FastifyReply } from 'fastify';
import { OcpiError } from './status.js';

export interface PageParams {
  offset: number;
  limit: number;
  from?: string;
  to?: string;
}

/** §4.1.4.1 paginated request: offset, limit (capped by ours: X-Limit), date_from (incl.), date_to (excl.). */
export function pageParams(query: Record<string, unknown>, maxLimit: number): PageParams {
  const int = (name: string, fallback: number) => {
    const raw = query[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new OcpiError(2001, `${name} must be a non-negative integer`);
    return n;
  };
  const date = (name: string) => {
    const raw = query[name];
    if (raw === undefined || raw === '') return undefined;
    const t = Date.parse(String(raw));
    if (typeof raw !== 'string' || Number.isNaN(t)) throw new OcpiError(2001, `${name} must be an RFC 3339 date-time`);
    return new Date(t).toISOString();
  };
  const from = date('date_from');
  const to = date('date_to');
  return { offset: int('offset', 0), limit: Math.min(int('limit', maxLimit) || maxLimit, maxLimit), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** §4.1.4.1 paginated response: X-Total-Count, X-Limit and a Link to the next page (with the filters). */
export function setPageHeaders(reply: FastifyReply, url: string, page: PageParams, total: number, query: Record<string, unknown>): void {
  reply.header('x-total-count', String(total));
  reply.header('x-limit', String(page.limit));
  const nextOffset = page.offset + page.limit;
  if (nextOffset < total) {
    const params = new URLSearchParams();
    params.set('offset', String(nextOffset));
    params.set('limit', String(page.limit));
    for (const name of ['date_from', 'date_to']) if (typeof query[name] === 'string') params.set(name, query[name] as string);
    reply.header('link', `<${url}?${params.toString()}>; rel="next"`);
  }
}
