import type { Payload } from '../../core/frame.js';
import { stationCommand, type VersionMapping } from './command.js';

/** Identical in every version, so it needs no per-version file. */
const everywhere: VersionMapping<Record<string, never>, Payload> = { command: { action: 'ClearCache' }, toOcpp: () => ({}) };

/** Clear the station's authorization cache. */
export const clearCache = stationCommand<Record<string, never>>('ClearCache', { ocpp16: everywhere, ocpp2: everywhere });
