import { resultReply, type StationCall, type StationReply } from '../../core/envelope.js';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { createStationCommands } from '../../actors/commands/station-commands.js';
import type { ApiDeps, LocalStationLocation } from '../../api/deps.js';
import { buildApi } from '../../api/server.js';
import { issueApiKey } from '../../api/api-key-service.js';

/**
 * ApiDeps over a real (in-memory) SQLite store, the real station-commands service and fake
 * connected stations: `connected` says who is connected, `calls` records what reached the
 * gateway, `answer` scripts the station (default: Accepted).
 */
export function fakeApiDeps(options: { answer?: (call: StationCall) => StationReply } = {}) {
  const store = new SqliteStore({ path: ':memory:' });
  const connected = new Map<string, LocalStationLocation>();
  const calls: Array<{ id: string; action: string; payload: unknown }> = [];
  const disconnects: string[] = [];
  const answer = options.answer ?? (() => resultReply({ status: 'Accepted' }));
  const deps: ApiDeps = {
    store,
    commands: createStationCommands({
      store,
      publish: () => {},
      locate: async (id) => {
        const here = connected.get(id);
        return here && { tenantId: here.tenantId, protocol: here.version, local: true };
      },
      local: {
        async call(call) {
          calls.push({ id: call.stationId, action: call.action, payload: call.payload });
          return answer(call);
        },
      },
    }),
    stations: {
      location: (id) => connected.get(id),
      disconnect: (id) => disconnects.push(id),
      connectedCount: () => connected.size,
      connectedIds: (tenantId) => [...connected].filter(([, l]) => l.tenantId === tenantId).map(([id]) => id),
    },
    metrics: async () => ({ contentType: 'text/plain', body: 'm 1\n' }),
    hashPassword: async (p) => `plain:${p}`,
    info: { workers: 1, store: 'sqlite', bus: 'memory', version: 'test' },
  };
  const connect = (id: string, tenantId: string, version: LocalStationLocation['version']) =>
    connected.set(id, { thread: 1, tenantId, version, connectedAt: new Date().toISOString() });
  return { store, deps, connected, connect, calls, disconnects };
}

/** fakeApiDeps with the API built over them (`app`, for `app.inject`); the API and its store are closed when the test ends. */
export async function fakeApi(t: { teardown(fn: () => unknown): void }, options: Parameters<typeof fakeApiDeps>[0] = {}) {
  const fake = fakeApiDeps(options);
  const app = await buildApi(fake.deps);
  t.teardown(async () => {
    await app.close();
    await fake.store.close();
  });
  return { ...fake, app };
}

/** The Authorization header of a new API key of one tenant. */
export async function tenantAuth(store: SqliteStore, tenantId: string): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${(await issueApiKey(store.apiKeys, { role: 'tenant', tenantId })).key}` };
}
