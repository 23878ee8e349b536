/** OCPP-J versions Switchyard speaks, named by their WebSocket subprotocol. */
export type OcppVersion = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';

export const SUPPORTED_VERSIONS: readonly OcppVersion[] = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'];

export function isOcppVersion(value: string): value is OcppVersion {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(value);
}

/** True for the 2.x family, which shares message shapes for most actions. */
export function isOcpp2(version: OcppVersion): boolean {
  return version !== 'ocpp1.6';
}

/**
 * Picks the subprotocol for a connection from the Sec-WebSocket-Protocol header.
 * The station lists protocols in its order of preference; we take the first one we support.
 */
export function negotiateVersion(header: string | undefined): OcppVersion | undefined {
  if (!header) return undefined;
  for (const raw of header.split(',')) {
    const candidate = raw.trim();
    if (isOcppVersion(candidate)) return candidate;
  }
  return undefined;
}
