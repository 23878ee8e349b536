/** All scenarios, in the order `all` runs them. */
import { connect } from './connect.js';
import { bootStorm } from './boot-storm.js';
import { steady } from './steady.js';
import { maxThroughput } from './max-throughput.js';
import { transactions } from './transactions.js';
import { commands } from './commands.js';
import { reconnectStorm } from './reconnect-storm.js';
import { cluster } from './cluster.js';
import type { Scenario } from './scenario.js';

export const SCENARIOS: Scenario[] = [connect, bootStorm, steady, maxThroughput, transactions, commands, reconnectStorm];

/** Scenarios `all` leaves out: `cluster` needs nats-server and PostgreSQL and runs long. */
export const EXTRA_SCENARIOS: Scenario[] = [cluster];

export function findScenario(name: string): Scenario | undefined {
  return [...SCENARIOS, ...EXTRA_SCENARIOS].find((s) => s.name === name);
}
