import type { StationStore } from '../core/ports/store/store.js';

/** Rows deleted per store write: each batch is one short write, so the hot path's writes interleave. */
export const STATUS_HISTORY_PRUNE_BATCH = 2000;

/**
 * Connector status history retention (CSMS_STATUS_HISTORY_RETENTION_DAYS; 0 keeps everything):
 * deletes what is older than the retention in batches, each connector's last change before the
 * cutoff kept (see `pruneConnectorStatusHistory`). Returns how many rows went. Runs on the main
 * thread with the upload sweep (hourly), on the API's store connection.
 */
export async function pruneStatusHistory(
  store: Pick<StationStore, 'pruneConnectorStatusHistory'>,
  retentionDays: number,
  now = Date.now(),
  batch = STATUS_HISTORY_PRUNE_BATCH,
): Promise<number> {
  if (retentionDays <= 0) return 0;
  const cutoff = new Date(now - retentionDays * 86_400_000).toISOString();
  let removed = 0;
  for (;;) {
    const n = await store.pruneConnectorStatusHistory(cutoff, batch);
    removed += n;
    if (n < batch) return removed;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
