import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger } from '../../workers/logger.js';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

t.test('every line is one JSON object with an ISO time, the level as a word, pid and thread', async (t) => {
  const { stream, lines } = sink();
  const log = createLogger('info', { thread: 2 }, stream);
  log.info({ stationId: 'CP-1' }, 'station connected');
  log.debug('not at info');
  t.equal(lines.length, 1);
  const line = JSON.parse(lines[0]!);
  t.match(line, { level: 'info', pid: process.pid, thread: 2, stationId: 'CP-1', msg: 'station connected' });
  t.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ISO-8601 UTC, not epoch milliseconds');
});

t.test('a logger made without a thread binding still says which thread wrote it', async (t) => {
  const { stream, lines } = sink();
  createLogger('info', {}, stream).warn('x');
  t.match(JSON.parse(lines[0]!), { level: 'warn', thread: 'main' });
});
