import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, errorText } from '../../api.ts';
import { Card, Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import { useLive } from '../../live.ts';
import { go, href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';
import { CertificateTable } from './table.tsx';

/** Certificates: the station CA, the renewal job's report, and one station's certificates (`/certificates/:id`). */
export function CertificatesPage({ user, params }: PageProps) {
  const stationId = params.id;
  const [ca, setCa] = useState<any>(undefined);
  const [renewals, setRenewals] = useState<any[] | null>(null);
  const [certs, setCerts] = useState<any[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [stationError, setStationError] = useState<unknown>(null);
  const [lookup, setLookup] = useState(stationId ?? '');
  const [pass, setPass] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const loadStation = () =>
    stationId ? api(`/stations/${encodeURIComponent(stationId)}/certificates`).then((r) => { setCerts(r.items); setStationError(null); }, setStationError) : Promise.resolve();
  useEffect(() => {
    api('/certificates/ca').then(setCa, (e) => setCa(e instanceof ApiFailure && e.status === 404 ? null : (setError(e), null)));
    api('/certificates/renewals', { query: { limit: 100 } }).then((r) => setRenewals(r.items), setError);
    void loadStation();
  }, [stationId]);
  useLive('certificate.*', (e) => { if (e.stationId === stationId) void loadStation(); }, [stationId]);
  const edit = user.role !== 'viewer';
  const query = async () => {
    setBusy(true);
    try {
      const r = await api(`/stations/${encodeURIComponent(stationId!)}/certificates/query`, { method: 'POST', body: {} });
      setCerts(r.certificates);
      setStationError(r.status === 'Accepted' ? null : `The station answered ${r.status}`);
    } catch (e) {
      setStationError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const runRenewals = async () => {
    try {
      const r = await api('/certificates/renewals/run', { method: 'POST' });
      setPass(r.leased ? `Renewal pass: ${r.triggered} asked to renew, ${r.failed} failed.` : 'Another node holds the renewal job; it runs there.');
      setRenewals((await api('/certificates/renewals', { query: { limit: 100 } })).items);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <>
      <PageHeader title={stationId ? `Certificates · ${stationId}` : 'Certificates'}>
        <form class="row" aria-label="Station certificates" onSubmit={(e) => { e.preventDefault(); if (lookup.trim()) go(`/certificates/${encodeURIComponent(lookup.trim())}`); }}>
          <input aria-label="Station id" placeholder="Station id" value={lookup} onInput={(e) => setLookup((e.target as HTMLInputElement).value)} />
          <button type="submit">Show certificates</button>
        </form>
      </PageHeader>
      <ErrorBox error={error} />
      <div class="grid">
        {stationId && (
          <Card title={`Certificates of ${stationId}`} wide>
            <p class="hint">As far as the CSMS knows: signed by its CA, installed by it, or reported by the station. <a href={href(`/stations/${encodeURIComponent(stationId)}`)}>Station</a></p>
            {edit && <div class="row"><button type="button" disabled={busy} onClick={query}>Ask the station (GetInstalledCertificateIds)</button></div>}
            <ErrorBox error={stationError} />
            {certs === null ? (!stationError && <p class="loading">Loading…</p>) : certs.length === 0 ? <Empty>No certificates known for {stationId}.</Empty> : <CertificateTable items={certs} label="Station certificates" />}
          </Card>
        )}
        <Card title="Station CA">
          {ca === undefined ? <p class="loading">Loading…</p> : ca === null ? <Empty>No built-in station CA on this node (an external CA signs, or none is configured).</Empty> : (
            <>
              <dl class="facts"><dt>Kind</dt><dd data-testid="ca-kind">{ca.kind}</dd></dl>
              <details><summary>Certificate (PEM)</summary><pre class="json">{ca.certificate}</pre></details>
            </>
          )}
        </Card>
        <Card title="Renewal job" wide>
          <p class="hint">Certificates the CSMS signed are renewed before they expire: the station is asked for a new CSR (triggered), then renewed or failed (asked again later).</p>
          {user.role === 'admin' && user.tenantId === null && <div class="row"><button type="button" onClick={runRenewals}>Run a renewal pass now</button></div>}
          {pass && <p class="note" role="status">{pass}</p>}
          {renewals === null ? (!error && <p class="loading">Loading…</p>) : renewals.length === 0 ? <Empty>No renewals yet: no certificate the CSMS signed is due.</Empty> : <CertificateTable items={renewals} label="Renewals" station />}
        </Card>
      </div>
    </>
  );
}
