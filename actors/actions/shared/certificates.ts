import { busEvent } from '../../../core/envelope.js';
import { certificateFacts, certificateHashData, certificateId, checkCsr, checkV2gCsr, splitChain, type CertificateHashData } from '../../../core/certificates.js';
import { newCertificateRecord, type StationCertificate } from '../../../core/certificate-inventory.js';
import type { CommandContext, CommandSpec } from '../command-spec.js';
import type { Handler, HandlerContext } from '../../handler-context.js';

/**
 * Certificate management shared by the 1.6 security whitepaper and 2.x (blocks A and M): the
 * SignCertificate handler (runs on the handler thread: checks the CSR, records the request,
 * announces it for signing) and the effects of CertificateSigned, InstallCertificate,
 * DeleteCertificate and GetInstalledCertificateIds on the station's certificate inventory
 * (`store.certificates`), whichever entry point sent them.
 */

interface SignCertificateRequest {
  csr: string;
  certificateType?: string;
}

/** 2.x answers may say why (statusInfo.reasonCode, ≤ 20 characters); 1.6's only Accepted / Rejected. */
type SignCertificateResponse = { status: 'Accepted' | 'Rejected'; statusInfo?: { reasonCode: string; additionalInfo?: string } };

/**
 * The SECC ids a station reported (2.x device model: ISO15118Ctrlr.SeccId, Actual, one per EVSE):
 * what the CN of its V2G CSR must be. None reported (1.6, or no report yet): empty.
 */
async function reportedSeccIds(ctx: HandlerContext): Promise<string[]> {
  const { tenantId, stationId } = ctx.session;
  const page = await ctx.store.deviceModel.listDeviceModel(tenantId, stationId, { component: 'ISO15118Ctrlr', variable: 'SeccId', limit: 100 });
  return page.items.flatMap((v) => v.attributes.filter((a) => a.type === 'Actual' && a.value).map((a) => a.value!));
}

/**
 * SignCertificate: the CSR is checked here (signature, key, CN = station id, O as configured; for a
 * V2GCertificate the ISO 15118-2 profile: EC P-256, CN = a reported SECC id) and
 * recorded as a `SignCertificate` request with the CSR in its result; an accepted one is announced
 * (`certificate.sign-requested`) and signed on the main thread's piscina pool by the node holding
 * the station (workers/certificate-signer.ts), which then sends CertificateSigned. A refused one is
 * answered Rejected and logged with the reason.
 */
export function signCertificateHandler(defaultType: string, withStatusInfo: boolean): Handler<SignCertificateRequest, SignCertificateResponse> {
  return async (ctx: HandlerContext, req) => {
    const { tenantId, stationId } = ctx.session;
    const certificateType = req.certificateType ?? defaultType;
    const at = ctx.clock().toISOString();
    const check =
      certificateType !== 'V2GCertificate'
        ? checkCsr(req.csr, { stationId, organization: ctx.settings.certificateOrganization })
        : !ctx.settings.v2gSigning
          ? ({ ok: false, refusal: 'no-v2g-ca', reason: 'no V2G sub-CA: set CSMS_V2G_CA_CERT_FILE / CSMS_V2G_CA_KEY_FILE (with an external station CA there is no built-in one)' } as const)
          : checkV2gCsr(req.csr, { seccIds: await reportedSeccIds(ctx), organization: ctx.settings.certificateOrganization });
    const requestId = await ctx.store.requests.create({ tenantId, stationId, action: 'SignCertificate', at });
    if (!check.ok) {
      await ctx.store.requests.applyAnswer(tenantId, stationId, requestId, { status: 'Rejected', reason: check.refusal, details: { certificateType, reason: check.reason } }, at);
      ctx.log?.info({ tenantId, stationId, requestId, certificateType, refusal: check.refusal, reason: check.reason }, 'certificate signing request refused');
      return withStatusInfo ? { status: 'Rejected', statusInfo: { reasonCode: check.refusal, additionalInfo: check.reason.slice(0, 512) } } : { status: 'Rejected' };
    }
    await ctx.store.requests.applyAnswer(tenantId, stationId, requestId, { status: 'Accepted', details: { certificateType, key: check.csr.key, csr: req.csr } }, at);
    ctx.events.emit('certificate.sign-requested', ctx.session, { requestId, certificateType });
    ctx.log?.info({ tenantId, stationId, requestId, certificateType, key: check.csr.key }, 'certificate signing request accepted: signing');
    return { status: 'Accepted' };
  };
}

/** The record of a certificate in a chain we sent or installed (leaf first; its issuer next, else itself). */
export function recordOf(ctx: Pick<CommandContext, 'tenantId' | 'stationId' | 'clock'>, pem: string, certificateType: string, source: StationCertificate['source']): StationCertificate {
  const [leaf, issuer] = splitChain(pem);
  if (!leaf) throw new Error('no PEM certificate');
  const facts = certificateFacts(leaf);
  return newCertificateRecord({
    tenantId: ctx.tenantId,
    stationId: ctx.stationId,
    certificateType,
    hashData: certificateHashData(leaf, issuer),
    source,
    subject: facts.subject,
    notAfter: facts.notAfter,
    at: ctx.clock().toISOString(),
  });
}

/** The SignCertificate request each CertificateSigned call's `prepare` found, for its `onResult`. */
const signRequests = new WeakMap<CommandContext, number>();

interface CertificateSignedRequest {
  certificateChain: string;
  /** 2.x only; 1.6 signs ChargePointCertificates only. */
  certificateType?: string;
}

/**
 * CertificateSigned, however it is sent (the signer, REST, NATS): `prepare` finds the station's
 * newest accepted SignCertificate request; `onResult` completes it with the station's answer
 * (Accepted → complete, Rejected → failed), records an accepted certificate in the inventory as
 * `signed` (expiry from the certificate), marks the station's older signed certificates of that
 * type renewed, and publishes `certificate.signed`.
 */
export function certificateSignedSpec(defaultType: string): CommandSpec<CertificateSignedRequest, { status: string; statusInfo?: { reasonCode?: string } }> {
  return {
    action: 'CertificateSigned',
    async prepare(ctx, req) {
      const page = await ctx.store.requests.list(ctx.tenantId, ctx.stationId, { action: 'SignCertificate', status: 'accepted', limit: 1 });
      const open = page.items[0];
      if (open) {
        signRequests.set(ctx, open.requestId);
        ctx.note('requestId', open.requestId);
      }
      return req;
    },
    async onResult(ctx, req, res) {
      const at = ctx.clock().toISOString();
      const certificateType = req.certificateType ?? defaultType;
      const requestId = signRequests.get(ctx);
      const chain = typeof req.certificateChain === 'string' ? req.certificateChain : '';
      let record: StationCertificate | undefined;
      try {
        record = recordOf(ctx, chain, certificateType, 'signed');
      } catch {
        record = undefined;
      }
      if (requestId !== undefined) {
        await ctx.store.requests.applyNotification(ctx.tenantId, ctx.stationId, requestId, {
          action: 'CertificateSigned',
          status: res.status,
          ...(record ? { summary: { serialNumber: record.hashData.serialNumber, notAfter: record.notAfter } } : {}),
        }, at);
      }
      if (res.status === 'Accepted' && record) {
        const older = (await ctx.store.certificates.list(ctx.tenantId, ctx.stationId)).filter(
          (c) => c.source === 'signed' && c.certificateType === certificateType && c.id !== record.id && c.renewal?.status !== 'renewed',
        );
        await Promise.all([
          ctx.store.certificates.put(record),
          ...older.map((c) =>
            ctx.store.certificates.setRenewal(ctx.tenantId, ctx.stationId, c.id, { status: 'renewed', at, renewedBy: record.hashData.serialNumber, attempts: c.renewal?.attempts ?? 0 }, at),
          ),
        ]);
      }
      ctx.publish(
        busEvent('certificate.signed', ctx.tenantId, ctx.stationId, {
          requestId: requestId ?? null,
          status: res.status,
          certificateType,
          serialNumber: record?.hashData.serialNumber ?? null,
          notAfter: record?.notAfter ?? null,
        }),
      );
    },
  };
}

interface InstallCertificateRequest {
  certificateType: string;
  certificate: string;
}

/** InstallCertificate accepted: the (root) certificate joins the inventory as `installed`, expiry from the certificate. */
export const installCertificateEffect: CommandSpec<InstallCertificateRequest, { status: string }>['onResult'] = async (ctx, req, res) => {
  if (res.status !== 'Accepted') return;
  let record: StationCertificate;
  try {
    record = recordOf(ctx, req.certificate, req.certificateType, 'installed');
  } catch {
    return; // the station took something we cannot read: nothing to list
  }
  await ctx.store.certificates.put(record);
};

/** DeleteCertificate Accepted (or NotFound: the station has no such certificate either): the record goes. */
export const deleteCertificateEffect: CommandSpec<{ certificateHashData: CertificateHashData }, { status: string }>['onResult'] = async (ctx, req, res) => {
  if (res.status !== 'Accepted' && res.status !== 'NotFound') return;
  await ctx.store.certificates.remove(ctx.tenantId, ctx.stationId, certificateId(req.certificateHashData));
};

/** One certificate as the station reported it: its type and hash data. */
export interface ReportedCertificate {
  certificateType: string;
  hashData: CertificateHashData;
}

/** GetInstalledCertificateIds answered: the inventory of the queried types becomes what the station reported. */
export async function applyInstalledReport(ctx: CommandContext, types: readonly string[], status: string, reported: readonly ReportedCertificate[]): Promise<void> {
  if (status !== 'Accepted' && status !== 'NotFound') return;
  const at = ctx.clock().toISOString();
  const records = reported
    .filter((r) => types.includes(r.certificateType))
    .map((r) => newCertificateRecord({ tenantId: ctx.tenantId, stationId: ctx.stationId, certificateType: r.certificateType, hashData: r.hashData, source: 'reported', at }));
  await ctx.store.certificates.replaceReported(ctx.tenantId, ctx.stationId, types, records);
}

/** Version-neutral inputs of the certificate commands (actors/commands/*-certificate*.ts). */
export interface CertificateSignedInput {
  /** PEM, leaf first. */
  certificateChain: string;
  /** 2.x ChargingStationCertificate (default) or V2GCertificate; 1.6 has none. */
  certificateType?: string;
}

export interface InstallCertificateInput {
  /** CSMSRootCertificate / CentralSystemRootCertificate (either name, mapped per version), ManufacturerRootCertificate, 2.x V2GRootCertificate, MORootCertificate. */
  certificateType: string;
  /** PEM. */
  certificate: string;
}

export interface DeleteCertificateInput {
  hashData: CertificateHashData;
}

export interface InstalledCertificatesInput {
  /** Types to list (each version's names or the other's, mapped); absent: all of them (1.6: both types, one call each is the caller's job: the first is sent). */
  certificateTypes?: string[];
}

/** The CSMS root certificate is called differently per version; everything else keeps its name. */
export function rootTypeFor(version: '16' | '2', type: string): string {
  if (version === '16' && type === 'CSMSRootCertificate') return 'CentralSystemRootCertificate';
  if (version === '2' && type === 'CentralSystemRootCertificate') return 'CSMSRootCertificate';
  return type;
}
