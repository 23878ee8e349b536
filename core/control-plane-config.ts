import { hostname } from 'node:os';
import { ConfigError, boolean, integer, oneOf, type Env } from './config.js';

export type NodeRole = 'all' | 'gateway' | 'api';

/** Retention of the OCPP message log: a row bound per station, an age bound, or off. */
export type MessageLogRetention = { kind: 'rows'; maxPerStation: number } | { kind: 'hours'; hours: number } | { kind: 'off' };

export interface ControlPlaneConfig {
  /** CSMS_ADMIN_KEY: registered as an admin key at start-up; unset → one is generated once. */
  adminKey: string | undefined;
  /** CSMS_METRICS_PUBLIC: /metrics without an API key. */
  metricsPublic: boolean;
  /** UI session cookies always carry `Secure` (the API is behind a TLS-terminating proxy); otherwise only on an https request. */
  secureCookies: boolean;
  messageLogRetention: MessageLogRetention;
  /** NATS_URL: set → NATS bus and multi-node routing; unset → in-process bus, single node. */
  natsUrl: string | undefined;
  /** CSMS_NATS_FRAME_MIRROR: also publish every raw OCPP frame on csms.<tenant>.ocpp.… */
  natsFrameMirror: boolean;
  /** CSMS_NATS_BUFFER: events held while NATS is unreachable; beyond it they are dropped (counted). */
  natsBufferSize: number;
  /** CSMS_ROLE: all (default), gateway (OCPP only, no REST), api (REST only, no OCPP listener). */
  role: NodeRole;
  /** CSMS_NODE_ID: this node's name in the station registry; default hostname-pid. */
  nodeId: string;
  /** Whether CSMS_NODE_ID was set: the default changes with every process (its pid). */
  nodeIdConfigured: boolean;
  /**
   * CSMS_REGISTRY_TTL: seconds a node's lease in the cluster directory lives unless the node
   * refreshes it (every TTL/3); a node whose lease expired is dead and its stations are gone.
   */
  registryTtlSec: number;
  /**
   * CSMS_INDEPENDENT_NODES: with NATS_URL and a node-local store (SQLite), the nodes share
   * events, commands and the directory but nothing stored. Refused unless this says it is meant.
   */
  independentNodes: boolean;
}

function retention(env: Env): MessageLogRetention {
  const raw = env.CSMS_MESSAGE_LOG_RETENTION?.trim().toLowerCase();
  if (raw === undefined || raw === '') return { kind: 'rows', maxPerStation: 1000 };
  if (raw === 'off' || raw === '0') return { kind: 'off' };
  const rows = /^(\d+)$/.exec(raw);
  if (rows && Number(rows[1]) <= 10_000_000) return { kind: 'rows', maxPerStation: Number(rows[1]) };
  const hours = /^(\d+)h$/.exec(raw);
  if (hours && Number(hours[1]) >= 1 && Number(hours[1]) <= 24 * 3650) return { kind: 'hours', hours: Number(hours[1]) };
  throw new ConfigError(`CSMS_MESSAGE_LOG_RETENTION must be a row count per station (e.g. 1000), hours (e.g. 24h) or off, got '${env.CSMS_MESSAGE_LOG_RETENTION}'`);
}

export function loadControlPlaneConfig(env: Env): ControlPlaneConfig {
  const adminKey = env.CSMS_ADMIN_KEY?.trim() || undefined;
  if (adminKey !== undefined && (adminKey.length < 16 || adminKey.length > 512 || /\s/.test(adminKey))) {
    throw new ConfigError('CSMS_ADMIN_KEY must be 16 to 512 characters without spaces');
  }
  const nodeId = env.CSMS_NODE_ID?.trim() || `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_-]/g, '_');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(nodeId)) throw new ConfigError(`CSMS_NODE_ID must be letters, digits, _ or -, got '${nodeId}'`);
  return {
    adminKey,
    metricsPublic: boolean(env, 'CSMS_METRICS_PUBLIC', false),
    secureCookies: boolean(env, 'CSMS_SECURE_COOKIES', false),
    messageLogRetention: retention(env),
    natsUrl: env.NATS_URL?.trim() || undefined,
    natsFrameMirror: boolean(env, 'CSMS_NATS_FRAME_MIRROR', false),
    natsBufferSize: integer(env, 'CSMS_NATS_BUFFER', 10_000, 0, 10_000_000),
    role: oneOf(env, 'CSMS_ROLE', 'all', ['all', 'gateway', 'api']) as NodeRole,
    nodeId,
    nodeIdConfigured: Boolean(env.CSMS_NODE_ID?.trim()),
    registryTtlSec: integer(env, 'CSMS_REGISTRY_TTL', 30, 3, 3600),
    independentNodes: boolean(env, 'CSMS_INDEPENDENT_NODES', false),
  };
}
