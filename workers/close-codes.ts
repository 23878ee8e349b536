/**
 * WebSocket close codes the gateway sends (README, "WebSocket close codes"). A module of its own so
 * the main thread can name them without loading uWebSockets.js.
 */
export const CLOSE_SHUTDOWN = 1001;
/** RFC 6455 7.4.1: policy violation: the station may no longer be connected (it was deleted). */
export const CLOSE_POLICY = 1008;
/** RFC 6455 7.4.1: a message too big to process. */
export const CLOSE_TOO_BIG = 1009;
/** Private range: a newer connection with the same station id replaced this one. */
export const CLOSE_REPLACED = 4000;
