import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { Card, Empty, ErrorBox } from '../../components.tsx';
import { href } from '../../router.ts';
import { CertificateTable } from './table.tsx';

/**
 * A station's installed certificates, for the station detail page: the inventory the store keeps
 * from its answers (GetInstalledCertificateIds, InstallCertificate, CertificateSigned). Asking the
 * station again and the CA are on the certificates page.
 */
export function StationCertificates({ id }: { id: string }) {
  const [items, setItems] = useState<any[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setItems(null);
    api(`/stations/${encodeURIComponent(id)}/certificates`).then((r) => setItems(r.items), setError);
  }, [id]);
  return (
    <Card title="Installed certificates" wide>
      <ErrorBox error={error} />
      {items === null ? (!error && <p class="loading">Loading…</p>) : items.length === 0 ? <Empty>No certificate known for this station.</Empty> : (
        <CertificateTable items={items} label="Installed certificates" />
      )}
      <p><a href={href(`/certificates/${encodeURIComponent(id)}`)}>Certificates of this station</a> (ask the station, renewal)</p>
    </Card>
  );
}
