import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { freePort, type TestLike } from './server.js';
import { problems } from './ocpi-schemas.js';

/** One request the simulator received, as it came (headers lower-cased). */
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Schema problems of the body against the spec's object (ocpi-schemas.ts); undefined = valid. */
  problems?: string;
  /** The answer the simulator gave (HTTP status). */
  answered: number;
}

const b64 = (token: string) => Buffer.from(token, 'utf8').toString('base64');
const envelope = (data: unknown, status_code = 1000) => ({ ...(data !== undefined ? { data } : {}), status_code, timestamp: new Date().toISOString() });

/**
 * An eMSP written for the tests (OCPI 2.2.1): versions and credentials endpoints (either side of
 * the handshake), a locations receiver that keeps what the CPO pushes, and a client for calling
 * the CPO. Every request it receives is checked against the spec's objects and kept in `received`;
 * `down` makes every module answer 503 (a partner that is away). It checks the CPO's
 * Authorization header against the token it issued (base64, §4.1.2).
 */
export class EmspSimulator {
  readonly received: Received[] = [];
  /** The token the CPO must present to us (we issued it: our token A, then B or C). */
  tokenForCpo: string;
  /** The token we present to the CPO (their token A, then B or C). */
  tokenForCsms: string | undefined;
  down = false;
  /** Milliseconds the locations receiver waits before it answers (a slow partner: overlapping requests show). */
  delayMs = 0;
  /** Real-time authorization answers by token uid (AllowedType, §12.4.1); absent: unknown token (2004). */
  readonly authorizeAnswers = new Map<string, string>();
  /** Tokens this eMSP pushed (token()), by uid. */
  readonly tokens = new Map<string, any>();
  cpoCredentials: any;
  readonly locations = new Map<string, any>();
  /** Tariffs the CPO pushed, by id (§11.2.2). */
  readonly tariffs = new Map<string, any>();
  private app!: FastifyInstance;
  url = '';

  constructor(
    readonly countryCode: string,
    readonly partyId: string,
    /** Its role in the credentials (§7.4.1): 'HUB' plays a hub. */
    readonly role: 'EMSP' | 'HUB' | 'SCSP' = 'EMSP',
  ) {
    this.tokenForCpo = `sim-token-a-${randomBytes(8).toString('hex')}`;
  }

  get versionsUrl(): string {
    return `${this.url}/ocpi/versions`;
  }

  async start(t: TestLike): Promise<this> {
    const app = Fastify();
    this.app = app;
    const check = (request: FastifyRequest) => request.headers.authorization === `Token ${b64(this.tokenForCpo)}`;
    const record = (request: FastifyRequest, answered: number, kind?: Parameters<typeof problems>[0]): void => {
      this.received.push({
        method: request.method, path: request.url, headers: { ...request.headers }, body: request.body, answered,
        ...(kind ? { problems: problems(kind, request.body) } : {}),
      });
    };
    app.get('/ocpi/versions', async (request, reply) => {
      record(request, check(request) ? 200 : 401);
      if (!check(request)) return reply.status(401).send(envelope(undefined, 2000));
      return envelope([{ version: '2.2.1', url: `${this.url}/ocpi/2.2.1` }]);
    });
    app.get('/ocpi/2.2.1', async (request, reply) => {
      record(request, check(request) ? 200 : 401);
      if (!check(request)) return reply.status(401).send(envelope(undefined, 2000));
      return envelope({
        version: '2.2.1',
        endpoints: [
          { identifier: 'credentials', role: 'SENDER', url: `${this.url}/ocpi/2.2.1/credentials` },
          { identifier: 'credentials', role: 'RECEIVER', url: `${this.url}/ocpi/2.2.1/credentials` },
          { identifier: 'locations', role: 'RECEIVER', url: `${this.url}/ocpi/emsp/2.2.1/locations` },
          { identifier: 'tokens', role: 'SENDER', url: `${this.url}/ocpi/emsp/2.2.1/tokens` },
          { identifier: 'sessions', role: 'RECEIVER', url: `${this.url}/ocpi/emsp/2.2.1/sessions` },
          { identifier: 'cdrs', role: 'RECEIVER', url: `${this.url}/ocpi/emsp/2.2.1/cdrs` },
          { identifier: 'tariffs', role: 'RECEIVER', url: `${this.url}/ocpi/emsp/2.2.1/tariffs` },
          { identifier: 'chargingprofiles', role: 'SENDER', url: `${this.url}/ocpi/emsp/2.2.1/chargingprofiles` },
        ],
      });
    });
    // The CPO registers with us (it got our token A), updates (PUT) or unregisters (DELETE).
    for (const method of ['POST', 'PUT'] as const) {
      app.route({
        method, url: '/ocpi/2.2.1/credentials',
        handler: async (request, reply) => {
          record(request, check(request) ? 200 : 401, 'credentials');
          if (!check(request)) return reply.status(401).send(envelope(undefined, 2000));
          this.cpoCredentials = request.body;
          this.tokenForCsms = (request.body as { token: string }).token;
          this.tokenForCpo = `sim-token-c-${randomBytes(8).toString('hex')}`;
          return envelope(this.ourCredentials());
        },
      });
    }
    app.delete('/ocpi/2.2.1/credentials', async (request, reply) => {
      record(request, check(request) ? 200 : 401);
      if (!check(request)) return reply.status(401).send(envelope(undefined, 2000));
      this.tokenForCsms = undefined;
      return envelope(undefined);
    });
    // Locations receiver (§8.2.2): PUT of a location, PATCH of an EVSE.
    app.route({
      method: ['PUT', 'PATCH'], url: '/ocpi/emsp/2.2.1/locations/*',
      handler: async (request, reply) => {
        const parts = (request.params as { '*': string })['*'].split('/');
        const kind = request.method === 'PUT' ? (parts.length === 3 ? 'location' : 'evse') : 'evsePatch';
        if (!check(request)) return (record(request, 401), reply.status(401).send(envelope(undefined, 2000)));
        if (this.down) return (record(request, 503, kind), reply.status(503).send('partner away'));
        if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        record(request, 200, kind);
        const [, , locationId, evseUid] = parts;
        if (request.method === 'PUT' && parts.length === 3) this.locations.set(locationId!, request.body);
        else if (request.method === 'PATCH' && evseUid) {
          const evse = this.locations.get(locationId!)?.evses?.find((e: { uid: string }) => e.uid === evseUid);
          if (evse) Object.assign(evse, request.body);
        }
        return envelope(undefined);
      },
    });
    // Tokens sender: real-time authorization (§12.2.1.2), answered per uid from `authorizeAnswers`.
    app.post('/ocpi/emsp/2.2.1/tokens/:uid/authorize', async (request, reply) => {
      const { uid } = request.params as { uid: string };
      if (!check(request)) return (record(request, 401), reply.status(401).send(envelope(undefined, 2000)));
      if (this.down) return (record(request, 503), reply.status(503).send('partner away'));
      const allowed = this.authorizeAnswers.get(uid);
      if (!allowed) return (record(request, 404), reply.status(404).send(envelope(undefined, 2004)));
      record(request, 200);
      return envelope({ allowed, token: this.tokens.get(uid), authorization_reference: `auth-${uid}` });
    });
    // Sessions receiver (§9.2.2: PUT of a session) and CDRs receiver (§10.2.2: POST of a CDR).
    app.put('/ocpi/emsp/2.2.1/sessions/*', async (request, reply) => {
      if (!check(request)) return (record(request, 401), reply.status(401).send(envelope(undefined, 2000)));
      record(request, 200, 'session');
      return envelope(undefined);
    });
    app.post('/ocpi/emsp/2.2.1/cdrs', async (request, reply) => {
      if (!check(request)) return (record(request, 401), reply.status(401).send(envelope(undefined, 2000)));
      record(request, 201, 'cdr');
      return reply.status(201).send(envelope(undefined));
    });
    // Tariffs receiver (§11.2.2): PUT of a tariff (kept), DELETE of one.
    app.route({
      method: ['PUT', 'DELETE'], url: '/ocpi/emsp/2.2.1/tariffs/:countryCode/:partyId/:tariffId',
      handler: async (request, reply) => {
        if (!check(request)) return (record(request, 401), reply.status(401).send(envelope(undefined, 2000)));
        record(request, 200, request.method === 'PUT' ? 'tariff' : undefined);
        const { tariffId } = request.params as { tariffId: string };
        if (request.method === 'PUT') this.tariffs.set(tariffId, request.body);
        else this.tariffs.delete(tariffId);
        return envelope(undefined);
      },
    });
    // Where CommandResults come (§13.2.1: the response_url we give with each command).
    app.post('/ocpi/emsp/2.2.1/commands/:command/:id', async (request, reply) => {
      if (!check(request)) return (record(request, 401), reply.status(401).send(envelope(undefined, 2000)));
      record(request, 200);
      return envelope(undefined);
    });
    // Where charging-profile results come (§14.2.1: the response_url of each request), by kind:
    // …/chargingprofiles/{set|get|clear}/{id}.
    app.post('/ocpi/emsp/2.2.1/chargingprofiles/:kind/:id', async (request, reply) => {
      if (!check(request)) return (record(request, 401), reply.status(401).send(envelope(undefined, 2000)));
      const { kind } = request.params as { kind: string };
      record(request, 200, kind === 'get' ? 'activeChargingProfileResult' : kind === 'clear' ? 'clearProfileResult' : 'chargingProfileResult');
      return envelope(undefined);
    });
    // The Sender interface's PUT (§14.2.2.2): a session's active charging profile changed for another reason.
    app.put('/ocpi/emsp/2.2.1/chargingprofiles/:sessionId', async (request, reply) => {
      if (!check(request)) return (record(request, 401), reply.status(401).send(envelope(undefined, 2000)));
      record(request, 200, 'activeChargingProfile');
      return envelope(undefined);
    });
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    await app.listen({ host: '127.0.0.1', port });
    t.teardown(() => app.close());
    return this;
  }

  ourCredentials() {
    return {
      token: this.tokenForCpo, url: this.versionsUrl,
      roles: [{ role: this.role, business_details: { name: `${this.role === 'EMSP' ? 'eMSP' : this.role} ${this.partyId}` }, party_id: this.partyId, country_code: this.countryCode }],
    };
  }

  /** A request to the CPO with our token (base64 unless `raw`), as a partner sends it. */
  async call(method: string, url: string, options: { body?: unknown; token?: string | null; raw?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const token = options.token === undefined ? this.tokenForCsms : options.token;
    const headers: Record<string, string> = { 'x-request-id': randomUUID(), 'x-correlation-id': randomUUID(), ...options.headers };
    if (token !== null && token !== undefined) headers.authorization = `Token ${options.raw ? token : b64(token)}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, { method, headers, ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  /** We register with the CPO (§7.2.1, the eMSP initiates): token A → versions → details → POST credentials → token C. */
  async registerWith(versionsUrl: string, tokenA: string): Promise<{ versions: any; details: any; answer: { status: number; body: any } }> {
    this.tokenForCsms = tokenA;
    const versions = await this.call('GET', versionsUrl);
    const v221 = versions.body.data.find((v: { version: string }) => v.version === '2.2.1');
    const details = await this.call('GET', v221.url);
    const credentialsUrl = details.body.data.endpoints.find((e: { identifier: string }) => e.identifier === 'credentials').url;
    this.tokenForCpo = `sim-token-b-${randomBytes(8).toString('hex')}`;
    const answer = await this.call('POST', credentialsUrl, { body: this.ourCredentials() });
    if (answer.status === 200) {
      this.cpoCredentials = answer.body.data;
      this.tokenForCsms = answer.body.data.token;
    }
    return { versions: versions.body, details: details.body, answer };
  }

  /** A Token object of this eMSP (§12.3.2). */
  token(uid: string, whitelist: string, extra: Record<string, unknown> = {}) {
    const token = {
      country_code: this.countryCode, party_id: this.partyId, uid, type: 'RFID', contract_id: `${this.countryCode}-${this.partyId}-C${uid}`,
      issuer: `eMSP ${this.partyId}`, valid: true, whitelist, last_updated: new Date().toISOString(), ...extra,
    };
    this.tokens.set(uid, token);
    return token;
  }

  /** ActiveChargingProfiles pushed for session `id` (Sender interface PUT, §14.2.2.2). */
  activeProfiles(id: string): Received[] {
    return this.received.filter((r) => r.method === 'PUT' && r.path === `/ocpi/emsp/2.2.1/chargingprofiles/${encodeURIComponent(id)}`);
  }

  /** CommandResults received for command `id` (response_url …/commands/{command}/{id}). */
  commandResults(id: string): any[] {
    return this.received.filter((r) => r.method === 'POST' && r.path.startsWith('/ocpi/emsp/2.2.1/commands/') && r.path.endsWith(`/${id}`)).map((r) => r.body);
  }

  /** Charging-profile results (§14.3) received for request `id` of `kind` (set, get, clear). */
  profileResults(kind: 'set' | 'get' | 'clear', id: string): Received[] {
    return this.received.filter((r) => r.method === 'POST' && r.path === `/ocpi/emsp/2.2.1/chargingprofiles/${kind}/${id}`);
  }

  profileResponseUrl(kind: 'set' | 'get' | 'clear', id: string): string {
    return `${this.url}/ocpi/emsp/2.2.1/chargingprofiles/${kind}/${id}`;
  }

  responseUrl(command: string, id: string): string {
    return `${this.url}/ocpi/emsp/2.2.1/commands/${command}/${id}`;
  }

  /** Requests of `method` to the locations receiver that it accepted, in arrival order. */
  pushes(method?: string): Received[] {
    return this.received.filter((r) => r.path.startsWith('/ocpi/emsp/2.2.1/locations/') && r.answered === 200 && (method === undefined || r.method === method));
  }
}
