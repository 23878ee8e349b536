import type { CsmsConfig } from '../core/config.js';

/** Where a newcomer points a station and a browser once the node is ready. */
export interface StartupBanner {
  /** For the structured "ready" log line. */
  fields: { ocppUrl?: string; apiUrl?: string; docsUrl?: string };
  /** The same for a person at a terminal. */
  text: string;
}

/** A wildcard listen address is reachable on this machine as localhost. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The URLs of a started node: the OCPP endpoint stations append their id to (the ocpp-rpc
 * convention: `endpoint` + `/` + identity) and the API with its docs, each only when this node's
 * role serves it.
 */
export function startupBanner(config: Pick<CsmsConfig, 'host' | 'ocppPort' | 'apiPort' | 'ocppPathPrefix'>, role: 'all' | 'gateway' | 'api'): StartupBanner {
  const host = displayHost(config.host);
  const fields: StartupBanner['fields'] = {};
  const lines = ['Switchyard CSMS ready'];
  if (role !== 'api') {
    fields.ocppUrl = `ws://${host}:${config.ocppPort}${config.ocppPathPrefix}`;
    lines.push(`  OCPP:     ${fields.ocppUrl}/<stationId>  (subprotocol ocpp1.6, ocpp2.0.1 or ocpp2.1)`);
  }
  if (role !== 'gateway') {
    fields.apiUrl = `http://${host}:${config.apiPort}`;
    fields.docsUrl = `${fields.apiUrl}/docs`;
    lines.push(`  REST API: ${fields.apiUrl}  (docs: ${fields.docsUrl})`);
  }
  return { fields, text: lines.join('\n') + '\n' };
}
