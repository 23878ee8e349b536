import type { Logger } from 'pino';
import type { Bus, Subscription } from '../core/ports/bus.js';
import type { Store } from '../core/ports/store/store.js';
import type { StationCommands } from '../actors/commands/station-commands.js';
import { certificateSigned } from '../actors/commands/certificate-signed.js';
import type { CertificateAuthority } from './certificate-authority.js';

/**
 * After a station's SignCertificate was accepted (`certificate.sign-requested`, from the handler
 * thread), the node holding the station signs the CSR (the built-in CA on the piscina pool, or the
 * external CA) and sends CertificateSigned through the station-commands service, whose `onResult`
 * completes the request and records the certificate. A signing failure ends the request as
 * `failed` (SigningFailed); a station answering Rejected ends it as `failed` (Rejected). Both logged.
 */
export function signRequestedCertificates(
  bus: Bus,
  deps: { store: Pick<Store, 'requests'>; commands: Pick<StationCommands, 'run'>; ca: CertificateAuthority; holds: (stationId: string) => boolean; log: Pick<Logger, 'info' | 'warn'> },
): Subscription {
  return bus.subscribe('certificate.sign-requested', (event) => {
    const { tenantId, stationId } = event;
    if (!deps.holds(stationId)) return;
    const p = event.payload as { requestId?: number; certificateType?: string };
    if (typeof p.requestId !== 'number') return;
    const requestId = p.requestId;
    const fields = { tenantId, stationId, requestId, certificateType: p.certificateType, ca: deps.ca.kind };
    const run = async () => {
      const request = await deps.store.requests.get(tenantId, stationId, requestId);
      const csr = request?.result?.csr;
      if (typeof csr !== 'string') return deps.log.warn(fields, 'certificate signing: the request or its CSR is gone');
      let chain: string;
      try {
        chain = await deps.ca.sign({ tenantId, stationId, certificateType: p.certificateType ?? 'ChargingStationCertificate', csrPem: csr });
      } catch (error) {
        deps.log.warn({ ...fields, err: error }, 'certificate signing failed: the CA did not sign');
        await deps.store.requests.applyNotification(tenantId, stationId, requestId, { action: 'CertificateSigned', status: 'SigningFailed', summary: { error: (error as Error).message } }, new Date().toISOString());
        return;
      }
      const input = p.certificateType ? { certificateChain: chain, certificateType: p.certificateType } : { certificateChain: chain };
      const { reply } = await deps.commands.run(tenantId, stationId, certificateSigned, input);
      const status = reply.status === 'result' ? reply.payload.status : undefined;
      if (status === 'Accepted') deps.log.info(fields, 'certificate signed and accepted by the station');
      else deps.log.warn({ ...fields, reply }, status === 'Rejected' ? 'certificate signed but the station rejected it' : 'certificate signed but CertificateSigned got no answer');
    };
    run().catch((error: unknown) => deps.log.warn({ ...fields, err: error }, 'certificate signing failed'));
  });
}
