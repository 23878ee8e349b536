import t from 'tap';
import { changeResult, isAuditedChange, redactSecrets } from '../../core/audit.js';

t.test('only changes of users, API keys and id tokens are audited as changes', async (t) => {
  t.ok(isAuditedChange('POST', '/admin/users'));
  t.ok(isAuditedChange('DELETE', '/admin/api-keys/:keyId'));
  t.ok(isAuditedChange('PUT', '/tokens/:idToken'));
  t.ok(isAuditedChange('POST', '/auth/password'));
  t.notOk(isAuditedChange('GET', '/admin/users'), 'reads never');
  t.notOk(isAuditedChange('POST', '/auth/login'), 'logging in changes nothing');
  t.notOk(isAuditedChange('POST', '/stations/:id/reset'), 'commands have their own record');
  t.notOk(isAuditedChange('POST', undefined));
});

t.test('secrets are redacted at any depth; the id token itself is what changed and stays', async (t) => {
  t.same(redactSecrets({ username: 'a', password: 'p', nested: [{ newPassword: 'x', clientSecret: 's', key: 'k' }], idToken: 'CARD' }), {
    username: 'a', password: '[redacted]', nested: [{ newPassword: '[redacted]', clientSecret: '[redacted]', key: '[redacted]' }], idToken: 'CARD',
  });
  t.equal(redactSecrets(null), null);
  t.equal(redactSecrets('x'), 'x');
  const body = { password: 'p' };
  redactSecrets(body);
  t.same(body, { password: 'p' }, 'the request body itself is untouched');
});

t.test('the outcome is ok or the API error code', async (t) => {
  t.equal(changeResult(201, '{"id":"u1"}'), 'ok');
  t.equal(changeResult(403, '{"code":"FORBIDDEN","message":"no"}'), 'FORBIDDEN');
  t.equal(changeResult(500, 'not json'), 'HTTP_500');
  t.equal(changeResult(404, undefined), 'HTTP_404');
});
