import t from 'tap';
import fc from 'fast-check';
import { PASSWORD_CHARSET, PASSWORD_PATTERN, authorizationKeyHex, generatePassword, passwordProblem } from '../../core/station-password.js';

t.test('OCPP password bounds: 16 to 40 passwordString characters, 20 for 1.6', async (t) => {
  t.equal(passwordProblem('a'.repeat(16)), undefined);
  t.equal(passwordProblem('a'.repeat(40)), undefined);
  t.match(passwordProblem('a'.repeat(15)), /16 to 40/);
  t.match(passwordProblem('a'.repeat(41)), /16 to 40/);
  t.match(passwordProblem('a'.repeat(21), true), /16 to 20.*1\.6/);
  t.equal(passwordProblem('a'.repeat(20), true), undefined);
  t.match(passwordProblem('sixteen-chars-ok!'), /'!' is not allowed/);
  t.match(passwordProblem('with space 0123456'), /' ' is not allowed/);
  t.equal(passwordProblem('aZ09*-_=:+|@.aaaa'), undefined, 'every special character of the set');
});

t.test('generated passwords are in the set, of the length asked, and match the API pattern', async (t) => {
  const pattern = new RegExp(PASSWORD_PATTERN);
  fc.assert(
    fc.property(fc.integer({ min: 16, max: 40 }), (length) => {
      const password = generatePassword(length);
      return password.length === length && [...password].every((c) => PASSWORD_CHARSET.includes(c)) && pattern.test(password) && passwordProblem(password) === undefined;
    }),
  );
  t.not(generatePassword(40), generatePassword(40), 'random');
});

t.test('1.6 AuthorizationKey: the password octets in hexadecimal (decodes back)', async (t) => {
  const password = 'dk2q0rfu2q0f-2f0rd';
  const hex = authorizationKeyHex(password);
  t.match(hex, /^[0-9A-F]+$/);
  t.equal(hex.length, 2 * password.length);
  t.equal(Buffer.from(hex, 'hex').toString('utf8'), password);
});

t.test('redactPasswordFrame blanks only the new password', async (t) => {
  const { redactPasswordFrame } = await import('../../core/station-password.js');
  const v2 = JSON.stringify([2, 'm1', 'SetVariables', { setVariableData: [
    { component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'secret-secret-secret' },
    { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '300' },
  ] }]);
  const out = JSON.parse(redactPasswordFrame(v2));
  t.equal(out[3].setVariableData[0].attributeValue, '[redacted]');
  t.equal(out[3].setVariableData[1].attributeValue, '300', 'other variables stay');
  const v16 = JSON.stringify([2, 'm2', 'ChangeConfiguration', { key: 'AuthorizationKey', value: 'ABCDEF' }]);
  t.equal(JSON.parse(redactPasswordFrame(v16))[3].value, '[redacted]');
  const other = JSON.stringify([2, 'm3', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' }]);
  t.equal(redactPasswordFrame(other), other, 'unchanged');
  t.equal(redactPasswordFrame('[3,"m4",{"AuthorizationKey":"x"}]'), '[3,"m4",{"AuthorizationKey":"x"}]', 'only CALLs');
  t.equal(redactPasswordFrame('not json AuthorizationKey'), 'not json AuthorizationKey');
});
