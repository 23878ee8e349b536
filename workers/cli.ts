#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../core/config.js';
import { openStore } from '../adapters/store/open-store.js';
import { issueApiKey } from '../api/api-key-service.js';
import { ApiError } from '../core/errors.js';

/**
 * Operator CLI on the node's own store (CSMS_DATA_DIR), usable while the node runs:
 *   npx switchyard create-key --tenant acme [--name "billing"]
 *   npx switchyard create-key --admin [--name "ops"]
 *   npx switchyard list-keys [--tenant acme]
 *   npx switchyard revoke-key key_0123abcd…
 */
const USAGE = `usage:
  switchyard create-key (--tenant <id> | --admin) [--name <text>]   prints the new key once
  switchyard list-keys [--tenant <id>]
  switchyard revoke-key <key id>`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, admin: { type: 'boolean' }, name: { type: 'string' }, help: { type: 'boolean' } },
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
