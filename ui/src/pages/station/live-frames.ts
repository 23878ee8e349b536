/** The live message inspector's list logic (pure: unit-tested in test/ui/live-frames.test.ts). */
export interface LiveFrameRow {
  seq: number;
  direction: 'in' | 'out';
  at: string;
  frame: string;
  type: string;
  messageId: string | null;
  action: string | null;
  errorCode: string | null;
  errorDescription: string | null;
  schemaError: boolean;
  /** Set on a frame the gateway refused: the CALLERROR code and description that answered it. */
  refused?: { code: string; description: string | null };
}

/** At most this many frames are kept on screen. */
export const MAX_FRAMES = 500;

/**
 * Adds a frame, newest first. A schema CALLERROR marks the frame it answers (the other direction,
 * same message id) as refused, with the error, so both are highlighted together.
 */
export function addFrame(rows: LiveFrameRow[], row: LiveFrameRow, max = MAX_FRAMES): LiveFrameRow[] {
  let list = rows;
  if (row.schemaError && row.messageId !== null) {
    const answered = row.direction === 'out' ? 'in' : 'out';
    list = rows.map((r) =>
      r.messageId === row.messageId && r.direction === answered && !r.refused ? { ...r, refused: { code: row.errorCode ?? '', description: row.errorDescription } } : r,
    );
  }
  return [row, ...list].slice(0, max);
}

/** Case-insensitive match on the action, message id, error code or the frame text. */
export function filterFrames(rows: LiveFrameRow[], filter: string, options: { errorsOnly?: boolean } = {}): LiveFrameRow[] {
  const f = filter.trim().toLowerCase();
  return rows.filter((r) => {
    if (options.errorsOnly && !(r.errorCode || r.refused)) return false;
    return !f || `${r.action ?? ''} ${r.messageId ?? ''} ${r.errorCode ?? ''} ${r.frame}`.toLowerCase().includes(f);
  });
}
