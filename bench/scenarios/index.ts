/** All scenarios, in the order `all` runs them. */
import { connect } from './connect.js';
import { bootStorm } from './boot-storm.js';
import { steady } from './steady.js';
import { maxThroughput } from './max-throughput.js';
import { transactions } from './transactions.js';
import { commands } from './commands.js';
import { reconnectStorm } from './reconnect-storm.js';
import { cluster } from './cluster.js';
import { loadManagement } from './load-management.js';
import type { Scenario } from './scenario.js';

export const SCENARIOS: Scenario[] = [connect, bootStorm, steady, maxThroughput, transactions, commands, reconnectStorm];

/**
 * Scenarios `all` leaves out: `cluster` needs nats-server and PostgreSQL and runs long;
 * `load-management` measures what only Switchyard has (site load management).
 */
export const EXTRA_SCENARIOS: Scenario[] = [cluster, loadManagement];

export function findScenario(name: string): Scenario | undefined {
  return [...SCENARIOS, ...EXTRA_SCENARIOS].find((s) => s.name === name);
}
