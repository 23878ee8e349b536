import type { Logger } from 'pino';
import { dueForRenewal, type RenewalPolicy } from '../../core/certificate-inventory.js';
import type { Store } from '../../core/ports/store/store.js';
import type { StationCommands } from './station-commands.js';
import { renewCertificate } from './renew-certificate.js';

export interface RenewalJobDeps {
  store: Pick<Store, 'certificates'>;
  commands: Pick<StationCommands, 'run'>;
  /** This node's id: the lease holder's name. */
  nodeId: string;
  policy: RenewalPolicy & { batch: number; tickMs: number };
  log: Pick<Logger, 'info' | 'warn'>;
  clock?: () => Date;
}

/** One pass of the job: whether this node held the lease, and what it asked of which station. */
export interface RenewalPass {
  leased: boolean;
  outcomes: Array<{ tenantId: string; stationId: string; certificateId: string; status: 'triggered' | 'failed'; error?: string }>;
}

export const RENEWAL_JOB = 'certificate-renewal';

/**
 * Automatic certificate renewal over the fleet (issue #14): every tick, the node holding the
 * job's lease (`store.certificates.takeLease`, like a firmware campaign's) takes the certificates
 * we signed that expire within the window and were not asked recently, soonest first, at most
 * `batch` of them, and asks each station, one after the other, to renew: 2.x TriggerMessage
 * SignChargingStationCertificate (SignV2GCertificate for an SECC certificate), 1.6 ExtendedTriggerMessage SignChargePointCertificate, through
 * the station-commands service (a station on another node is reached over NATS). Each record's
 * renewal says `triggered` (the station said Accepted) or `failed` (any other answer, not
 * connected, no answer; asked again after the retry interval). The station's new CSR then goes
 * the SignCertificate way, and the accepted CertificateSigned marks the old record `renewed`.
 * Runs on the main thread of nodes with an API.
 */
export class CertificateRenewalJob {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<RenewalPass> | undefined;
  private readonly clock: () => Date;

  constructor(private readonly deps: RenewalJobDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  start(): void {
    if (this.deps.policy.tickMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.runOnce().catch((error: unknown) => this.deps.log.warn({ err: error }, 'certificate renewal pass failed')), this.deps.policy.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
    await this.deps.store.certificates.releaseLease(RENEWAL_JOB, this.deps.nodeId).catch(() => {});
  }

  /** One pass now (also what the tick runs); a pass already running is joined, not doubled. */
  runOnce(): Promise<RenewalPass> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<RenewalPass> {
    const { store, commands, nodeId, policy, log } = this.deps;
    const now = this.clock();
    const leaseMs = Math.max(3 * policy.tickMs, 60_000);
    if (!(await store.certificates.takeLease(RENEWAL_JOB, nodeId, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString()))) {
      return { leased: false, outcomes: [] };
    }
    const candidates = await store.certificates.listRenewalCandidates({
      expiringBefore: new Date(now.getTime() + policy.windowDays * 86_400_000).toISOString(),
      askedBefore: new Date(now.getTime() - policy.retryAfterMs).toISOString(),
      limit: policy.batch,
    });
    const outcomes: RenewalPass['outcomes'] = [];
    for (const cert of candidates) {
      if (!dueForRenewal(cert, now, policy)) continue;
      const { tenantId, stationId, id } = cert;
      let error: string | undefined;
      try {
        const { reply } = await commands.run(tenantId, stationId, renewCertificate, { certificateType: cert.certificateType });
        if (reply.status === 'result') error = reply.payload.status === 'Accepted' ? undefined : `station answered ${String(reply.payload.status)}`;
        else error = reply.status === 'callerror' ? `CALLERROR ${reply.code}` : reply.reason;
      } catch (e) {
        error = (e as Error).message;
      }
      const at = this.clock().toISOString();
      const attempts = (cert.renewal?.attempts ?? 0) + 1;
      const status = error === undefined ? 'triggered' : 'failed';
      await store.certificates.setRenewal(tenantId, stationId, id, { status, at, attempts, ...(error !== undefined ? { error } : {}) }, at);
      outcomes.push({ tenantId, stationId, certificateId: id, status, ...(error !== undefined ? { error } : {}) });
      const fields = { tenantId, stationId, certificateId: id, notAfter: cert.notAfter, attempts };
      if (error === undefined) log.info(fields, 'certificate renewal asked of the station');
      else log.warn({ ...fields, error }, 'certificate renewal could not be asked');
    }
    return { leased: true, outcomes };
  }
}
