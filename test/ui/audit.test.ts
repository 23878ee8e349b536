import t from 'tap';
import { auditDetails, filterAudit } from '../../ui/src/pages/users/audit.ts';

const command = { action: 'Reset', route: 'POST /stations/CS-1/reset', request: { type: 'Hard' } };
const change = { action: null, route: 'POST /admin/users', request: { username: 'neil', password: '[redacted]', role: 'viewer' } };

t.test('the audit card shows commands, changes or both', async (t) => {
  t.same(filterAudit([command, change], 'all'), [command, change]);
  t.same(filterAudit([command, change], 'commands'), [command]);
  t.same(filterAudit([command, change], 'changes'), [change]);
});

t.test('details: the body on one line, shortened', async (t) => {
  t.equal(auditDetails(change), 'username=neil password=[redacted] role=viewer');
  t.equal(auditDetails({ ...command, request: { nested: { a: 1 } } }), 'nested={"a":1}');
  t.equal(auditDetails({ ...command, request: null }), '');
  const long = auditDetails({ ...command, request: { text: 'x'.repeat(200) } }, 20);
  t.equal(long.length, 20);
  t.ok(long.endsWith('…'));
});
