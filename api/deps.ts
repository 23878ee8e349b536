import type { FirmwareCampaign } from '../core/firmware-campaign.js';
import type { OcppVersion } from '../core/protocols.js';
import type { Store } from '../core/ports/store/store.js';
import type { StationCommands } from '../actors/commands/station-commands.js';
import type { Bus } from '../core/ports/bus.js';
import type { OcpiServices } from '../ocpi/services.js';
import type { RateSnapshot } from '../core/rate-series.js';
import type { TlsReloadResult } from '../core/security-config.js';

/** Where a station is connected on this node (the gateway thread is shown for operations and tests). */
export interface LocalStationLocation {
  tenantId: string;
  version: OcppVersion;
  connectedAt: string;
  thread: number;
}

/** What the API needs from the node; tests can supply fakes. */
export interface ApiDeps {
  store: Store;
  /** Every CSMS-initiated call goes through here, wherever the station is connected. */
  commands: StationCommands;
  stations: {
    location(stationId: string): LocalStationLocation | undefined;
    /** Finds a station connected to this node or, with NATS, to any node (registry lookup). */
    locate?(stationId: string): Promise<{ tenantId: string; version: OcppVersion; connectedAt?: string } | undefined>;
    disconnect(stationId: string): void;
    /**
     * The station's password or security profile changed, or it was deleted: this node's gateway
     * threads, and with NATS every node's, stop admitting it from memory (resolves once they have).
     */
    forgetLogin?(stationId: string): Promise<void>;
    connectedCount(): number;
    /** Every frame of a station in and out as it happens (the live message inspector); returns the unsubscribe. Absent without gateways. */
    watchFrames?(stationId: string, listener: (frame: { tenantId: string; stationId: string; direction: 'in' | 'out'; frame: string; at: string }) => void): () => void;
    /** Ids of the tenant's connected stations (the stations table's online filter); absent in a cluster. */
    connectedIds?(tenantId: string): string[];
    /** Logs every frame of a station at info on this node's gateway threads (CsmsNode.setStationDebug); absent without gateways. */
    setDebug?(stationId: string, enabled: boolean): void;
  };
  /** The dashboard's traffic rates of this node (CsmsNode.rates); absent: GET /stats/fleet answers rates null. */
  stats?: { rates(tenantId: string): Promise<RateSnapshot | undefined> };
  /** The bus `GET /events` streams from (with NATS: every node's events); absent: no event stream. */
  events?: Pick<Bus, 'subscribe'>;
  /** Where the operator UI's built files are (index.html, ui/assets); absent or missing: no UI. */
  uiDir?: string;
  metrics(): Promise<{ contentType: string; body: string }>;
  hashPassword(password: string): Promise<string>;
  info: { workers: number; store: string; bus: string; version: string };
  /** GET /ready: each check ok or why not (CsmsNode.readiness); absent: always ready. */
  readiness?(): { ready: boolean; checks: Record<string, { ok: boolean; reason?: string }> };
  /** See `AuthOptions.publicMetrics`. */
  security?: { publicMetrics?: boolean; secureCookies?: boolean };
  /**
   * The built-in upload target (`PUT|POST /uploads/{token}`): where files go (`dir`, under the data
   * dir), the base of the URLs sent to stations, the size limit and how long a URL is valid.
   * Absent: GetLog / GetDiagnostics need an explicit upload location.
   */
  uploads?: { dir: string; baseUrl: string; maxBytes: number; tokenHours: number };
  /** The firmware-campaign driver of this node (actors/commands/campaign-driver.ts): told when a campaign changed. */
  campaigns?: { wake(): void; announce(before: FirmwareCampaign, after: FirmwareCampaign): void };
  /** OCPI 2.2.1 roaming (ocpi/): the server at /ocpi and the /roaming and /locations routes; absent: not served. */
  ocpi?: OcpiServices;
  /** The station CA (its certificate, when built in) and this node's certificate renewal job (issue #14). */
  certificates?: {
    ca(): { kind: string; certificate: string } | undefined;
    /** The V2G sub-CA chain SECC certificates are sent with, and the V2G root when built in; undefined: V2G CSRs refused. */
    v2g?(): { chain: string; root: string | undefined } | undefined;
    renewals?: { runOnce(): Promise<{ leased: boolean; outcomes: Array<{ tenantId: string; stationId: string; status: 'triggered' | 'failed' }> }> };
  };
  /**
   * Reloading the TLS files of this node (POST /admin/tls/reload, like SIGHUP): the profile-3 trust
   * bundle rebuilt, the server certificate and CAs read again for new connections; absent: no TLS listener or offload.
   */
  tls?: { reload(): Promise<TlsReloadResult> };
  /** The site allocator of this node (actors/commands/site-allocator.ts): told when a site changed (defaults, allocation). */
  sites?: { siteChanged(tenantId: string, siteId: string): void };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant every read and command of this request is scoped to. */
    tenantId: string;
  }
}
