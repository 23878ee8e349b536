import type { Database } from 'better-sqlite3';

/**
 * Schema migrations, applied in order and tracked in SQLite's user_version.
 * Append new steps; never edit a released one.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE stations (
     id TEXT PRIMARY KEY,
     tenant_id TEXT NOT NULL,
     password_hash TEXT,
     vendor TEXT, model TEXT, serial_number TEXT, firmware_version TEXT, iccid TEXT, imsi TEXT,
     protocol TEXT, boot_reason TEXT, last_boot_at TEXT, last_seen_at TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX stations_by_tenant ON stations (tenant_id, id);
   CREATE TABLE connector_statuses (
     station_id TEXT NOT NULL,
     evse_id INTEGER NOT NULL,
     connector_id INTEGER NOT NULL,
     tenant_id TEXT NOT NULL,
     status TEXT NOT NULL, detailed_status TEXT, error_code TEXT, info TEXT, vendor_error_code TEXT,
     reported_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     PRIMARY KEY (station_id, evse_id, connector_id)
   ) WITHOUT ROWID;`,
];

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`Database schema version ${current} is newer than this build supports (${MIGRATIONS.length})`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
