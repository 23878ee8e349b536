import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Deletes uploaded files (and abandoned partial uploads) older than the retention under the
 * upload directory (`<data dir>/uploads/<tenant>/<station>/…`); returns how many went. The
 * download then answers 404 LOG_FILE_NOT_FOUND.
 */
export async function sweepUploads(dir: string, retentionMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  const walk = async (path: string): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const info = await stat(full).catch(() => undefined);
        if (info && now - info.mtimeMs > retentionMs) {
          await rm(full, { force: true });
          removed++;
        }
      }
    }
  };
  await walk(dir);
  return removed;
}
