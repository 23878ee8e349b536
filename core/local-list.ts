/**
 * A station's local authorization list as the CSMS last had it accepted. Entries without
 * a status in a differential update delete the token (both 1.6 and 2.x say so).
 */
export interface LocalListEntry {
  idToken: string;
  type: string;
  /** Absent: remove this token (differential) or no info (full). */
  status?: string;
  expiresAt?: string;
  groupId?: string;
}

export interface LocalList {
  tenantId: string;
  stationId: string;
  version: number;
  entries: LocalListEntry[];
  updatedAt: string;
}

export interface LocalListUpdate {
  updateType: 'Full' | 'Differential';
  version: number;
  entries: LocalListEntry[];
}

export function applyLocalListUpdate(current: LocalListEntry[], update: LocalListUpdate): LocalListEntry[] {
  if (update.updateType === 'Full') return [...update.entries];
  const byToken = new Map(current.map((e) => [e.idToken, e]));
  for (const entry of update.entries) {
    if (entry.status === undefined) byToken.delete(entry.idToken);
    else byToken.set(entry.idToken, entry);
  }
  return [...byToken.values()];
}
