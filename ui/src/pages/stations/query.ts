/**
 * The stations table's state as GET /stations parameters (pure: unit-tested in
 * test/ui/stations-query.test.ts). Empty filters are left out; a sort change starts from page 1
 * because a cursor belongs to its sort.
 */
export interface StationFilters {
  q: string;
  online: '' | 'online' | 'offline';
  status: string;
  protocol: string;
  vendor: string;
  model: string;
  firmware: string;
}

export type SortKey = 'id' | 'vendor' | 'model' | 'firmwareVersion' | 'protocol' | 'lastSeenAt';

export interface TableState {
  filters: StationFilters;
  sort: { key: SortKey; dir: 'asc' | 'desc' };
  /** Cursors of the pages shown so far: [undefined] is page 1. */
  cursors: Array<string | undefined>;
}

export const PAGE_SIZE = 50;

export const EMPTY_FILTERS: StationFilters = { q: '', online: '', status: '', protocol: '', vendor: '', model: '', firmware: '' };

export function initialState(): TableState {
  return { filters: { ...EMPTY_FILTERS }, sort: { key: 'id', dir: 'asc' }, cursors: [undefined] };
}

export function stationsQuery(state: TableState): Record<string, string | number> {
  const query: Record<string, string | number> = { limit: PAGE_SIZE };
  for (const [key, value] of Object.entries(state.filters)) {
    const v = value.trim();
    if (v) query[key] = v;
  }
  if (state.sort.key !== 'id') query.sort = state.sort.key;
  if (state.sort.dir !== 'asc') query.dir = state.sort.dir;
  const cursor = state.cursors[state.cursors.length - 1];
  if (cursor) query.cursor = cursor;
  return query;
}

/** A filter changed: back to page 1. */
export function withFilter(state: TableState, key: keyof StationFilters, value: string): TableState {
  return { ...state, filters: { ...state.filters, [key]: value }, cursors: [undefined] };
}

/** A header clicked: the same column flips direction, another sorts ascending; back to page 1. */
export function withSort(state: TableState, key: SortKey): TableState {
  const dir = state.sort.key === key && state.sort.dir === 'asc' ? 'desc' : 'asc';
  return { ...state, sort: { key, dir }, cursors: [undefined] };
}

export function nextPage(state: TableState, cursor: string): TableState {
  return { ...state, cursors: [...state.cursors, cursor] };
}

export function previousPage(state: TableState): TableState {
  return state.cursors.length > 1 ? { ...state, cursors: state.cursors.slice(0, -1) } : state;
}

/**
 * Whether a live event can change which rows this page holds (a new station, or a change of the
 * filtered or sorted column): then the page is fetched again rather than patched.
 */
export function eventNeedsReload(state: TableState, type: string): boolean {
  const f = state.filters;
  if (type === 'station.connected' || type === 'station.disconnected') return f.online !== '';
  if (type === 'station.booted') return true;
  if (type === 'connector.status') return f.status !== '';
  return false;
}
