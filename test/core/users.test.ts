import t from 'tap';
import { passwordProblem, permits, scopeProblem, type Principal } from '../../core/users.js';

const who = (role: Principal['role'], tenantId: string | null = 'acme'): Principal => ({ kind: 'user', role, tenantId });

t.test('viewers read, operators also command, admins also administer', async (t) => {
  t.ok(permits(who('viewer'), 'GET', '/stations').ok);
  t.notOk(permits(who('viewer'), 'POST', '/stations/CS-1/reset').ok, 'a viewer sends no command');
  t.ok(permits(who('operator'), 'POST', '/stations/CS-1/reset').ok);
  t.notOk(permits(who('operator'), 'GET', '/admin/users').ok, 'administration needs admin');
  t.ok(permits(who('admin'), 'POST', '/admin/users').ok);
  t.ok(permits(who('viewer'), 'POST', '/auth/password').ok, 'everyone may change their own password');
});

t.test('roaming partners are administration: read by anyone, changed by admins only', async (t) => {
  t.ok(permits(who('viewer'), 'GET', '/roaming/partners').ok);
  t.notOk(permits(who('operator'), 'POST', '/roaming/partners').ok);
  t.notOk(permits(who('operator'), 'DELETE', '/roaming/partners/p1').ok);
  t.ok(permits(who('admin'), 'POST', '/roaming/partners/p1/register').ok);
  t.ok(permits(who('operator'), 'PUT', '/locations/LOC-1').ok, 'locations are operations data');
});

t.test('passwords and scopes', async (t) => {
  t.match(passwordProblem('short'), /at least/);
  t.match(passwordProblem('Alice-Example', 'alice-example'), /differ/);
  t.equal(passwordProblem('a long enough password'), undefined);
  t.match(scopeProblem('operator', null), /cluster admin/);
  t.equal(scopeProblem('admin', null), undefined);
});
