import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { StationCertificate } from '../../core/certificate-inventory.js';
import { deleteCertificate } from '../../actors/commands/delete-certificate.js';
import { getInstalledCertificateIds } from '../../actors/commands/get-installed-certificate-ids.js';
import { installCertificate } from '../../actors/commands/install-certificate.js';
import type { ApiDeps } from '../deps.js';
import { requireAdmin } from '../auth.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { commandResult } from '../station-call.js';

const failures = { 400: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };

const hashData = {
  type: 'object',
  description: 'OCPP CertificateHashDataType: hashes of the issuer name and key (hex), the serial (hex)',
  properties: {
    hashAlgorithm: { type: 'string', enum: ['SHA256', 'SHA384', 'SHA512'] },
    issuerNameHash: { type: 'string', minLength: 1, maxLength: 128 },
    issuerKeyHash: { type: 'string', minLength: 1, maxLength: 128 },
    serialNumber: { type: 'string', minLength: 1, maxLength: 40 },
  },
  required: ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber'],
  additionalProperties: false,
} as const;

const renewal = {
  type: ['object', 'null'],
  properties: {
    status: { type: 'string', enum: ['triggered', 'renewed', 'failed'] },
    at: { type: 'string' },
    error: { type: 'string' },
    renewedBy: { type: 'string' },
    attempts: { type: 'integer' },
  },
} as const;

const certificate = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'From the hash data (serial and issuer hashes): the id DELETE takes' },
    stationId: { type: 'string' },
    certificateType: { type: 'string' },
    hashData,
    source: { type: 'string', enum: ['signed', 'installed', 'reported'], description: 'signed by our CA (CertificateSigned accepted), installed by us (InstallCertificate accepted), or reported by the station (GetInstalledCertificateIds)' },
    subject: { type: ['string', 'null'] },
    notAfter: { type: ['string', 'null'], description: 'Expiry, where known (signed and installed certificates)' },
    renewal,
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const view = ({ tenantId: _t, ...c }: StationCertificate) => c;

const commandAnswer = {
  type: 'object',
  properties: { status: { type: 'string' }, protocol: { type: 'string' }, result: { type: 'object', additionalProperties: true }, certificates: { type: 'array', items: certificate } },
} as const;

/**
 * Station certificates (issue #14, blocks A and M; 1.6 security whitepaper): the inventory, the
 * commands that change it (InstallCertificate, DeleteCertificate, GetInstalledCertificateIds), the
 * station CA's certificate and the renewal report.
 */
export async function certificateRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  const requireStation = async (tenantId: string, stationId: string) => {
    if (!(await deps.store.stations.getStation(tenantId, stationId))) throw new ApiError('STATION_NOT_FOUND', `Station ${stationId} not found`);
  };

  app.get<{ Params: { id: string } }>(
    '/stations/:id/certificates',
    {
      schema: {
        tags: ['certificates'],
        operationId: 'listStationCertificates',
        summary: "A station's certificates as far as the CSMS knows: signed by its CA, installed by it, reported by the station",
        params: stationIdParam,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: certificate } } }, 404: errorBody },
      },
    },
    async (request) => {
      await requireStation(request.tenantId, request.params.id);
      return { items: (await deps.store.certificates.list(request.tenantId, request.params.id)).map(view) };
    },
  );

  app.post<{ Params: { id: string }; Body: { certificateType: string; certificate: string } }>(
    '/stations/:id/certificates',
    {
      schema: {
        tags: ['certificates'],
        operationId: 'installCertificate',
        summary: 'InstallCertificate: a root certificate onto the station; listed once the station accepts',
        description:
          'certificateType: CSMSRootCertificate (2.x name; 1.6 CentralSystemRootCertificate, either is mapped), ManufacturerRootCertificate, and for 2.x V2GRootCertificate, MORootCertificate. ' +
          "The station's answer is `status`: Accepted, Rejected or Failed.",
        params: stationIdParam,
        body: {
          type: 'object',
          properties: { certificateType: { type: 'string', minLength: 1, maxLength: 50 }, certificate: { type: 'string', minLength: 1, maxLength: 5500, description: 'PEM' } },
          required: ['certificateType', 'certificate'],
          additionalProperties: false,
        },
        response: { 200: commandAnswer, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const run = await deps.commands.run(tenantId, stationId, installCertificate, request.body);
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      return { status: result.status as string, protocol, result, certificates: (await deps.store.certificates.list(tenantId, stationId)).map(view) };
    },
  );

  app.delete<{ Params: { id: string; certificateId: string } }>(
    '/stations/:id/certificates/:certificateId',
    {
      schema: {
        tags: ['certificates'],
        operationId: 'deleteCertificate',
        summary: 'DeleteCertificate: a certificate of the inventory, by its id (its hash data is sent)',
        description: "The station's answer is `status`: Accepted, Failed or NotFound; Accepted and NotFound remove it from the inventory.",
        params: {
          type: 'object',
          properties: { id: stationIdParam.properties.id, certificateId: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
          required: ['id', 'certificateId'],
        },
        response: { 200: commandAnswer, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const known = await deps.store.certificates.get(tenantId, stationId, request.params.certificateId);
      if (!known) {
        await requireStation(tenantId, stationId);
        throw new ApiError('CERTIFICATE_NOT_FOUND', `Station ${stationId} has no certificate ${request.params.certificateId} in the inventory`);
      }
      const run = await deps.commands.run(tenantId, stationId, deleteCertificate, { hashData: known.hashData });
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      return { status: result.status as string, protocol, result, certificates: (await deps.store.certificates.list(tenantId, stationId)).map(view) };
    },
  );

  app.post<{ Params: { id: string }; Body: { certificateTypes?: string[] } }>(
    '/stations/:id/certificates/query',
    {
      schema: {
        tags: ['certificates'],
        operationId: 'getInstalledCertificateIds',
        summary: 'GetInstalledCertificateIds: the station lists its certificates of these types; the inventory of those types becomes its answer',
        description: '2.x: any of its GetCertificateIdUseEnumType values, none = all. 1.6: exactly one (CentralSystemRootCertificate or ManufacturerRootCertificate), else 400 VALIDATION_FAILED.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: { certificateTypes: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 50 }, maxItems: 8, uniqueItems: true } },
          additionalProperties: false,
        },
        response: { 200: commandAnswer, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const run = await deps.commands.run(tenantId, stationId, getInstalledCertificateIds, request.body ?? {});
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      return { status: result.status as string, protocol, result, certificates: (await deps.store.certificates.list(tenantId, stationId)).map(view) };
    },
  );

  app.get(
    '/certificates/ca',
    {
      schema: {
        tags: ['certificates'],
        operationId: 'getStationCa',
        summary: "The station CA's certificate (PEM): what profile 3 trusts and what station certificates chain to",
        description: 'Install it on stations as CSMSRootCertificate only if it also signed the CSMS server certificate; 404 with an external CA (CSMS_CA_SIGN_URL).',
        response: { 200: { type: 'object', properties: { kind: { type: 'string' }, certificate: { type: 'string' } } }, 404: errorBody },
      },
    },
    async () => {
      const ca = deps.certificates?.ca();
      if (!ca) throw new ApiError('NOT_FOUND', 'No built-in station CA on this node (external CA or none)');
      return ca;
    },
  );

  app.get(
    '/certificates/v2g-ca',
    {
      schema: {
        tags: ['certificates'],
        operationId: 'getV2gCa',
        summary: 'The V2G sub-CA that signs ISO 15118-2 SECC certificates (SignCertificate with certificateType V2GCertificate)',
        description:
          '`chain`: the sub-CA certificate(s) sent after each SECC leaf in CertificateSigned; `root`: the built-in private V2G root (install it on stations and test EVs as V2GRootCertificate), ' +
          'null with CSMS_V2G_CA_CERT_FILE (the root is your V2G PKI\'s). 404 when V2G CSRs are refused (external station CA without CSMS_V2G_CA_CERT_FILE).',
        response: { 200: { type: 'object', properties: { chain: { type: 'string' }, root: { type: ['string', 'null'] } } }, 404: errorBody },
      },
    },
    async () => {
      const v2g = deps.certificates?.v2g?.();
      if (!v2g) throw new ApiError('NOT_FOUND', 'No V2G sub-CA on this node: V2G certificate requests are refused');
      return { chain: v2g.chain, root: v2g.root ?? null };
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/certificates/renewals',
    {
      schema: {
        tags: ['certificates'],
        operationId: 'listCertificateRenewals',
        summary: 'The renewal report: certificates the renewal job asked stations to renew, renewed, or failed to (newest first)',
        description:
          'Certificates we signed that expire within CSMS_CERT_RENEWAL_DAYS are renewed by TriggerMessage SignChargingStationCertificate (2.x) / ExtendedTriggerMessage SignChargePointCertificate (1.6): ' +
          '`triggered` (asked; the station answers with a new CSR), `renewed` (a new certificate was signed and accepted; renewedBy is its serial), `failed` (error says why; asked again after CSMS_CERT_RENEWAL_RETRY_SEC).',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } }, additionalProperties: false },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: certificate } } } },
      },
    },
    async (request) => ({ items: (await deps.store.certificates.listRenewals(request.tenantId, request.query.limit ?? 100)).map(view) }),
  );

  app.post(
    '/certificates/renewals/run',
    {
      schema: {
        tags: ['certificates'],
        operationId: 'runCertificateRenewals',
        summary: 'Runs one pass of the renewal job now on this node (it otherwise runs every CSMS_CERT_RENEWAL_TICK_SEC); admin keys only',
        description: 'The pass covers the whole fleet (every tenant), at most CSMS_CERT_RENEWAL_BATCH stations; `leased` is false when another node holds the job. Counts are of the whole pass.',
        response: {
          200: { type: 'object', properties: { leased: { type: 'boolean' }, triggered: { type: 'integer' }, failed: { type: 'integer' } } },
          403: errorBody,
          503: errorBody,
        },
      },
      preHandler: requireAdmin,
    },
    async () => {
      const job = deps.certificates?.renewals;
      if (!job) throw new ApiError('SERVICE_UNAVAILABLE', 'The certificate renewal job does not run on this node');
      const pass = await job.runOnce();
      return { leased: pass.leased, triggered: pass.outcomes.filter((o) => o.status === 'triggered').length, failed: pass.outcomes.filter((o) => o.status === 'failed').length };
    },
  );

  app.post(
    '/admin/tls/reload',
    {
      schema: {
        tags: ['admin'],
        operationId: 'reloadTls',
        summary: "Reads this node's TLS files again, like SIGHUP (cluster admins only)",
        description:
          'The server certificate and key (CSMS_TLS_CERT_FILE / CSMS_TLS_KEY_FILE), the station CAs profile 3 trusts (CSMS_TLS_STATION_CA_FILE, with the built-in CA\'s certificate), ' +
          'the CRL (CSMS_TLS_CRL_FILE) and the TLS offload CAs are read again; new connections are judged by them, open connections stay as they are. ' +
          'The port, cipher list and passphrase are configuration and need a restart. With several nodes, call each node (or send each a SIGHUP). ' +
          'A failed reload keeps the previous files in use and answers TLS_RELOAD_FAILED; 503 when this node has no TLS listener or offload.',
        response: {
          200: { type: 'object', properties: { reloaded: { type: 'boolean' }, threads: { type: 'integer', description: 'gateway threads that reloaded' } } },
          403: errorBody,
          500: errorBody,
          503: errorBody,
        },
      },
      preHandler: requireAdmin,
    },
    async () => {
      const tls = deps.tls;
      if (!tls) throw new ApiError('SERVICE_UNAVAILABLE', 'This node has no TLS listener (CSMS_OCPP_TLS_PORT) or TLS offload (CSMS_TRUSTED_PROXIES)');
      const result = await tls.reload();
      if (!result.reloaded) throw new ApiError('TLS_RELOAD_FAILED', `The TLS files could not be reloaded; the previous ones stay in use: ${result.error ?? 'unknown error'}`, { failedThreads: result.failed });
      return { reloaded: true, threads: result.threads };
    },
  );
}
