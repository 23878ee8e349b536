import type { BusEvent } from '../../core/types.js';
import type { LoggedFrame } from '../../core/ports/store/message-log-store.js';

/**
 * NATS subject layout (documented in docs/nats-subjects.md and docs/asyncapi.yaml):
 *   csms.<tenant>.station.<stationId>.<event>                 station events
 *   csms.<tenant>.ocpp.<stationId>.<in|out>.<Action>          raw frame mirror (optional)
 *   csms.<tenant>.cmd.<stationId>.<Action>                    command request/reply (integrators)
 *   _csms.node.<nodeId>.cmd                                   commands for the stations one node holds
 *   _csms.node.<nodeId>.displace                              "your connection of this station is stale"
 *   _csms.node.<nodeId>.ping                                  "are you there" after a call timed out
 *   _csms.logins.forget                                       "forget what you remember of this station's login" (every node)
 *
 * Node-to-node subjects live outside the `csms.>` tree: an event subscriber on `csms.>` (a tail,
 * an integrator's archive) would otherwise receive every forwarded command and, by not answering,
 * turn NATS's immediate "no responders" for a dead node into a timeout. Integrators never need them.
 *
 * Station ids may contain '.', '*' and other characters that are not safe in a subject token
 * or a KV key, so tokens are escaped: [A-Za-z0-9_-] stay as they are, every other byte becomes
 * '=' + two hex digits ('CP.1' → 'CP=2E1', 'CP_001' unchanged). Tenant ids are subject-safe by
 * construction (TENANT_ID_PATTERN) but go through the same function.
 */
export const SUBJECT_ROOT = 'csms';
/** Root of the node-to-node subjects (not for integrators). */
export const NODE_ROOT = '_csms.node';
/**
 * Every node subscribes (no queue group): a station's password or profile changed, or it was
 * deleted, so each node drops the verified password it may remember. Body `{ stationId, nodeId }`
 * (the sender, which has already forgotten); each node replies once done. Rare (operator actions).
 */
export const LOGIN_FORGET_SUBJECT = '_csms.logins.forget';

export function encodeToken(value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(c) ? c : '=' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function decodeToken(token: string): string {
  if (!token.includes('=')) return token;
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '=') {
      bytes.push(parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(token.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Event type → subject suffix: station.booted → booted, connector.status → status, others as they are. */
export function eventSuffix(type: string): string {
  if (type === 'connector.status') return 'status';
  if (type.startsWith('station.') && type.length > 'station.'.length) return type.slice('station.'.length);
  return type;
}

export function eventSubject(event: Pick<BusEvent, 'tenantId' | 'stationId' | 'type'>): string {
  return `${SUBJECT_ROOT}.${encodeToken(event.tenantId)}.station.${encodeToken(event.stationId)}.${eventSuffix(event.type)}`;
}

/** Every station event of every tenant (what a node's own subscribers listen on). */
export const ALL_EVENTS = `${SUBJECT_ROOT}.*.station.*.>`;

/** Events that must not be lost go to JetStream. */
export const DURABLE_EVENTS = `${SUBJECT_ROOT}.*.station.*.transaction.>`;

export function isDurable(type: string): boolean {
  return type.startsWith('transaction.');
}

export function frameSubject(frame: Pick<LoggedFrame, 'tenantId' | 'stationId' | 'direction' | 'action'>): string {
  return `${SUBJECT_ROOT}.${encodeToken(frame.tenantId)}.ocpp.${encodeToken(frame.stationId)}.${frame.direction}.${encodeToken(frame.action ?? 'Unknown')}`;
}

export function commandSubject(tenantId: string, stationId: string, action: string): string {
  return `${SUBJECT_ROOT}.${encodeToken(tenantId)}.cmd.${encodeToken(stationId)}.${encodeToken(action)}`;
}

/**
 * Every integrator command of every tenant. Nodes listen in one queue group (COMMAND_QUEUE), so
 * each request reaches one node, which forwards it to the holding node's own subject.
 */
export const ALL_COMMANDS = `${SUBJECT_ROOT}.*.cmd.*.*`;
export const COMMAND_QUEUE = 'switchyard-commands';

/** Commands for the stations one node holds (a StationCall body); only that node listens. */
export function nodeCommandSubject(nodeId: string): string {
  return `${NODE_ROOT}.${encodeToken(nodeId)}.cmd`;
}

/** Liveness probe of one node (empty request, empty reply): asked after a node-addressed call timed out. */
export function nodePingSubject(nodeId: string): string {
  return `${NODE_ROOT}.${encodeToken(nodeId)}.ping`;
}

/** Displacement notices for one node: a station it holds connected to another node. */
export function nodeDisplaceSubject(nodeId: string): string {
  return `${NODE_ROOT}.${encodeToken(nodeId)}.displace`;
}

export function parseCommandSubject(subject: string): { tenantId: string; stationId: string; action: string } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 5 || parts[0] !== SUBJECT_ROOT || parts[2] !== 'cmd') return undefined;
  return { tenantId: decodeToken(parts[1]!), stationId: decodeToken(parts[3]!), action: decodeToken(parts[4]!) };
}
