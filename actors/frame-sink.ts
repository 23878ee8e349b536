import type { StationSession } from './handler-context.js';

/**
 * Where an actor reports every frame it reads or writes (for the message log and the NATS
 * frame mirror). Called on the hot path: implementations only buffer, never do I/O inline.
 */
export interface FrameSink {
  /** `frame` is the frame's JSON text exactly as on the wire: no re-serialising on the hot path. */
  record(session: StationSession, direction: 'in' | 'out', messageType: number, messageId: string, action: string | null, frame: string): void;
}
