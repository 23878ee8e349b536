import { connect } from '@nats-io/transport-node';

/**
 * A tiny `nats sub` for machines without the nats CLI: prints every message on a subject
 * (default `csms.>`) as one line: time, subject, payload.
 *   NATS_URL=nats://127.0.0.1:4222 node dist/workers/nats-tail.js 'csms.*.station.>'
 */
async function main(): Promise<void> {
  const subject = process.argv[2] ?? 'csms.>';
  const servers = (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',');
  const nc = await connect({ servers, name: 'switchyard-nats-tail', maxReconnectAttempts: -1 });
  process.stderr.write(`listening on ${subject} at ${servers.join(',')} (Ctrl-C to stop)\n`);
  const stop = () => void nc.drain().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for await (const msg of nc.subscribe(subject)) {
    process.stdout.write(`${new Date().toISOString()} ${msg.subject} ${msg.string()}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`nats-tail: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
