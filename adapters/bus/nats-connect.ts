import { connect, type NatsConnection } from '@nats-io/transport-node';

/**
 * Connects to NATS (`NATS_URL`, comma-separated for a cluster). Start-up fails fast when no
 * server answers, so a typo is seen at once; after that the client reconnects forever on its own.
 */
export function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((s) => s.trim()).filter(Boolean),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    pingInterval: 5_000,
    maxPingOut: 2,
  });
}
