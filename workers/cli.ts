#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../core/config.js';
import { openStore } from '../adapters/store/open-store.js';
import { issueApiKey } from '../api/api-key-service.js';
import { ApiError } from '../core/errors.js';
import { hashPassword } from '../core/password.js';
import { passwordProblem, USER_ROLES_TEXT } from '../core/users.js';
import { createUser, generatePassword } from '../api/user-service.js';
import type { UserRole } from '../core/ports/store/user-store.js';

/**
 * Operator CLI on the node's own store (CSMS_DATA_DIR), usable while the node runs:
 *   npx switchyard create-key --tenant acme [--name "billing"]
 *   npx switchyard create-key --admin [--name "ops"]
 *   npx switchyard list-keys [--tenant acme]
 *   npx switchyard revoke-key key_0123abcd…
 *   npx switchyard create-user alice --role operator --tenant acme   (prints a generated password once)
 */
const USAGE = `usage:
  switchyard create-key (--tenant <id> | --admin) [--name <text>]   prints the new key once
  switchyard list-keys [--tenant <id>]
  switchyard revoke-key <key id>
  switchyard create-user <username> --role ${USER_ROLES_TEXT} (--tenant <id> | --cluster) [--password-stdin]   prints a generated password once
  switchyard list-users [--tenant <id>]
  switchyard set-password <username> [--password-stdin]   prints a generated password once; ends the user's sessions`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, admin: { type: 'boolean' }, name: { type: 'string' }, help: { type: 'boolean' }, role: { type: 'string' }, cluster: { type: 'boolean' }, 'password-stdin': { type: 'boolean' } },
  });
  const [command, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE + '\n');
    return values.help ? 0 : 2; // asked for help: success; no command: usage error
  }
  const store = await openStore(loadConfig());
  try {
    switch (command) {
      case 'create-key': {
        if (!values.admin && !values.tenant) throw new ApiError('BAD_REQUEST', 'create-key needs --tenant <id> or --admin');
        const { key, record } = await issueApiKey(store.apiKeys, { role: values.admin ? 'admin' : 'tenant', tenantId: values.tenant, name: values.name });
        process.stdout.write(`${key}\n`);
        process.stderr.write(`created ${record.role} key ${record.id}${record.tenantId ? ` for tenant ${record.tenantId}` : ''}; it is not shown again\n`);
        return 0;
      }
      case 'list-keys':
        for (const k of await store.apiKeys.listApiKeys(values.tenant)) {
          process.stdout.write(`${k.id}\t${k.role}\t${k.tenantId ?? '*'}\t${k.prefix}…\t${k.createdAt}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'live'}\t${k.name ?? ''}\n`);
        }
        return 0;
      case 'revoke-key':
        if (!arg) throw new ApiError('BAD_REQUEST', 'revoke-key needs a key id (see list-keys)');
        if (!(await store.apiKeys.revokeApiKey(arg))) throw new ApiError('API_KEY_NOT_FOUND', `No live key ${arg}`);
        process.stderr.write(`revoked ${arg}\n`);
        return 0;
      case 'create-user': {
        if (!arg) throw new ApiError('BAD_REQUEST', 'create-user needs a username');
        const role = values.role as UserRole | undefined;
        if (!role || !['viewer', 'operator', 'admin'].includes(role)) throw new ApiError('BAD_REQUEST', `create-user needs --role ${USER_ROLES_TEXT}`);
        if (!values.cluster && !values.tenant) throw new ApiError('BAD_REQUEST', 'create-user needs --tenant <id> or --cluster (a cluster admin)');
        const password = values['password-stdin'] ? await readStdin() : generatePassword();
        const config = loadConfig();
        const user = await createUser(store.users, (p) => hashPassword(p, config.scryptCost), { username: arg, password, role, tenantId: values.cluster ? null : values.tenant! });
        if (!values['password-stdin']) process.stdout.write(`${password}\n`);
        process.stderr.write(`created ${user.role} ${user.username} (${user.id})${user.tenantId ? ` of tenant ${user.tenantId}` : ' (cluster admin)'}${values['password-stdin'] ? '' : '; the password is not shown again'}\n`);
        return 0;
      }
      case 'list-users':
        for (const u of await store.users.listUsers(values.tenant)) {
          process.stdout.write(`${u.id}\t${u.username}\t${u.role}\t${u.tenantId ?? '*'}\t${u.createdAt}\t${u.disabledAt ? `disabled ${u.disabledAt}` : 'active'}\n`);
        }
        return 0;
      case 'set-password': {
        if (!arg) throw new ApiError('BAD_REQUEST', 'set-password needs a username');
        const user = await store.users.findUserByName(arg);
        if (!user) throw new ApiError('USER_NOT_FOUND', `No user ${arg}`);
        const password = values['password-stdin'] ? await readStdin() : generatePassword();
        const weak = passwordProblem(password, user.username);
        if (weak) throw new ApiError('BAD_REQUEST', weak);
        await store.users.updateUser(user.id, { passwordHash: await hashPassword(password, loadConfig().scryptCost) });
        await store.users.deleteUserSessions(user.id);
        if (!values['password-stdin']) process.stdout.write(`${password}\n`);
        process.stderr.write(`password of ${user.username} changed; its sessions ended\n`);
        return 0;
      }
      default:
        process.stderr.write(`unknown command ${command}\n${USAGE}\n`);
        return 2;
    }
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    const known = error instanceof ApiError || error instanceof ConfigError;
    process.stderr.write(`${known ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(known ? 2 : 1);
  },
);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
