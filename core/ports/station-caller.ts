import type { StationCall, StationReply } from '../envelope.js';

/**
 * Reaches a station wherever it is connected. Implementations: the gateway thread channel
 * (stations of this node) and NATS request/reply (stations of other nodes); both pass the
 * contract suite in test/contract/station-caller.ts. Never throws for a station's fault:
 * every outcome is a StationReply.
 */
export interface StationCaller {
  call(call: StationCall): Promise<StationReply>;
}
