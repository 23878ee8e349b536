import { formatTime } from '../../format.ts';
import { href } from '../../router.ts';
import { expiry, renewalText } from './expiry.ts';

/** Certificates with their expiry and renewal state; `station` adds a column linking each one's station. */
export function CertificateTable({ items, label, station }: { items: any[]; label: string; station?: boolean }) {
  return (
    <table class="table compact" aria-label={label}>
      <thead><tr>{station && <th>Station</th>}<th>Type</th><th>Source</th><th>Subject</th><th>Serial</th><th>Expires</th><th>Renewal</th><th>Updated</th></tr></thead>
      <tbody>
        {items.map((c) => {
          const e = expiry(c.notAfter);
          return (
            <tr key={`${c.stationId}/${c.id}`} data-certificate={c.id} class={e.level === 'expired' || c.renewal?.status === 'failed' ? 'bad' : ''}>
              {station && <td><a href={href(`/certificates/${encodeURIComponent(c.stationId)}`)}>{c.stationId}</a></td>}
              <td>{c.certificateType}</td><td>{c.source}</td><td>{c.subject ?? '—'}</td><td><code>{c.hashData?.serialNumber}</code></td>
              <td title={c.notAfter ?? ''} class={e.level === 'soon' || e.level === 'expired' ? 'warn' : ''}>{c.notAfter ? `${formatTime(c.notAfter)} (${e.text})` : '—'}</td>
              <td data-testid="renewal">{renewalText(c.renewal)}{c.renewal?.at ? ` · ${formatTime(c.renewal.at)}` : ''}</td>
              <td>{formatTime(c.updatedAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
