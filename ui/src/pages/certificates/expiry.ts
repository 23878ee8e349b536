/** Pure helpers of the certificates page: unit-tested in test/ui/certificate-expiry.test.ts. */

const DAY = 86_400_000;

/** How far an expiry is: "in 23 days", "today", "expired 2 days ago"; level for colouring (soon: within `soonDays`). */
export function expiry(notAfter: string | null | undefined, now: Date = new Date(), soonDays = 30): { text: string; level: 'ok' | 'soon' | 'expired' | 'unknown' } {
  if (!notAfter) return { text: 'unknown', level: 'unknown' };
  const at = new Date(notAfter).getTime();
  if (Number.isNaN(at)) return { text: notAfter, level: 'unknown' };
  const days = Math.floor((at - now.getTime()) / DAY);
  if (at <= now.getTime()) {
    const ago = Math.floor((now.getTime() - at) / DAY);
    return { text: ago === 0 ? 'expired today' : `expired ${ago} day${ago === 1 ? '' : 's'} ago`, level: 'expired' };
  }
  return { text: days === 0 ? 'expires today' : `in ${days} day${days === 1 ? '' : 's'}`, level: days < soonDays ? 'soon' : 'ok' };
}

/** A renewal's state as a sentence: what the renewal job did with the certificate. */
export function renewalText(r: { status: string; at?: string; error?: string; renewedBy?: string; attempts?: number } | null | undefined): string {
  if (!r) return 'not due';
  switch (r.status) {
    case 'triggered': return `renewal asked${r.attempts && r.attempts > 1 ? ` (attempt ${r.attempts})` : ''}`;
    case 'renewed': return `renewed${r.renewedBy ? ` by ${r.renewedBy}` : ''}`;
    case 'failed': return `renewal failed${r.error ? `: ${r.error}` : ''}`;
    default: return r.status;
  }
}
