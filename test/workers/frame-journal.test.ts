import t from 'tap';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameJournal, journalFiles, readJournal, replayFrameJournals } from '../../workers/frame-journal.js';
import type { LoggedFrame } from '../../core/ports/store/message-log-store.js';

const frame = (n: number, extra: Partial<LoggedFrame> = {}): LoggedFrame => ({
  tenantId: 'acme',
  stationId: 'CS-1',
  direction: 'in',
  messageType: 2,
  messageId: `m${n}`,
  action: 'Heartbeat',
  // Newlines and quotes inside the frame text must survive the one-line-per-frame format.
  frame: `[2,"m${n}","Heartbeat",\n{"note":"a \\"quoted\\" line"}]`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  ...extra,
});

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-journal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('frames are on disk as soon as append returns, and round-trip exactly', async (t) => {
  const dir = tempDir(t);
  const journal = new FrameJournal({ dir, writerId: 'run1-g1', rotateMs: 60_000, confirm: async () => {}, onError: (e) => t.fail(String(e)) });
  journal.append(frame(1));
  journal.append(frame(2, { direction: 'out', messageType: 3, action: null }));
  const [file] = journalFiles(dir);
  t.ok(file, 'one file');
  t.same(readJournal(file!).frames, [frame(1), frame(2, { direction: 'out', messageType: 3, action: null })]);
  await journal.close();
  t.same(readdirSync(dir), [], 'a clean close deletes the confirmed file');
});

t.test('a rotated file is deleted only when the handler thread confirms its commit', async (t) => {
  const dir = tempDir(t);
  const errors: string[] = [];
  let confirmations = 0;
  let refuse = false;
  const journal = new FrameJournal({
    dir,
    writerId: 'run1-g2',
    rotateMs: 60_000,
    confirm: async () => {
      confirmations++;
      if (refuse) throw new Error('commit failed');
    },
    onError: (_e, what) => errors.push(what),
  });
  journal.rotate();
  t.equal(confirmations, 0, 'an empty file is not rotated');
  journal.append(frame(1));
  journal.rotate();
  await new Promise((r) => setImmediate(r));
  t.equal(confirmations, 1);
  t.equal(journalFiles(dir).length, 1, 'only the new, live file is left');
  refuse = true;
  journal.append(frame(2));
  journal.rotate();
  await new Promise((r) => setImmediate(r));
  t.equal(journalFiles(dir).length, 2, 'an unconfirmed file is kept for replay');
  t.same(errors, ['frame journal kept: commit not confirmed']);
  t.same(readJournal(journalFiles(dir)[0]!).frames, [frame(2)]);
  await journal.close();
});

t.test('replay appends what the log lacks, skips torn lines and live files, then deletes', async (t) => {
  const dir = tempDir(t);
  const crashed = new FrameJournal({ dir, writerId: 'old-g1', rotateMs: 60_000, confirm: () => new Promise(() => {}), onError: () => {} });
  crashed.append(frame(1));
  crashed.append(frame(2));
  const [oldFile] = journalFiles(dir);
  appendFileSync(oldFile!, '["acme","CS-1","in",2,"m3"'); // the write a kill -9 cut short
  const live = new FrameJournal({ dir, writerId: 'now-g1', rotateMs: 60_000, confirm: async () => {}, onError: () => {} });
  live.append(frame(9));
  const logged = new Set(['m1']);
  const appended: string[] = [];
  const outcome = await replayFrameJournals(
    dir,
    async (frames) => {
      const missing = frames.filter((f) => !logged.has(f.messageId));
      appended.push(...missing.map((f) => f.messageId));
      return missing.length;
    },
    { exceptWriterPrefix: 'now-' },
  );
  t.same(outcome, { files: 1, frames: 2, restored: 1, torn: 1 });
  t.same(appended, ['m2'], 'm1 was already committed; m9 belongs to the live run');
  t.notOk(existsSync(oldFile!), 'the replayed file is gone');
  t.equal(journalFiles(dir).length, 1, 'the live file stays');
  await live.close();
});
