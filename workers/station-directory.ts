import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Kvm, KvWatchInclude, type KV, type KvEntry } from '@nats-io/kv';
import type { OcppVersion } from '../core/protocols.js';
import { encodeToken, nodeDisplaceSubject } from '../adapters/bus/nats-subjects.js';

/** Where a station is connected, cluster-wide: the node and the node's run (epoch) that wrote it. */
export interface DirectoryEntry {
  nodeId: string;
  epoch: number;
  tenantId: string;
  version: OcppVersion;
  connectedAt: string;
}

/** A node's lease: present (and refreshed every TTL/3) while the node runs. */
export interface NodeLease {
  nodeId: string;
  epoch: number;
  startedAt: string;
}

/** Station id → entry; no TTL, written on connect and disconnect only. */
export const DIRECTORY_BUCKET = 'csms_directory';
/** Node id → lease; the bucket's TTL is the lease's life. */
export const LEASE_BUCKET = 'csms_nodes';

/** Another running process holds this node id's lease. */
export class DuplicateNodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateNodeError';
  }
}

type Log = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

export interface DirectoryOptions {
  nodeId: string;
  /** CSMS_REGISTRY_TTL: life of a lease without refresh (use the same value on every node). */
  ttlSec: number;
  log: Log;
  /** A failed background write or watch; the directory carries on. */
  onError(error: unknown): void;
  /** How long a looked-up entry is reused without asking NATS (default 2000 ms; 0: never). */
  cacheMs?: number;
  /** Most entries kept in the lookup cache (default 10,000; the oldest go first). */
  cacheSize?: number;
}

/** KV operations and messages since start, by kind (csms_directory_operations_total). */
export interface DirectoryCounts {
  get: number;
  create: number;
  update: number;
  delete: number;
  leaseRefresh: number;
  displaceSent: number;
  displaceReceived: number;
  lookup: number;
  cacheHit: number;
}

interface OwnEntry {
  tenantId: string;
  version: OcppVersion;
  connectedAt: string;
  /** The KV revision of our write, once it landed (a withdraw deletes only that revision). */
  revision?: number;
}

interface Displacement {
  stationId: string;
  nodeId: string;
  connectedAt: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parse<T>(entry: KvEntry): T | undefined {
  try {
    return entry.json<T>();
  } catch {
    return undefined;
  }
}

async function openBucket(kvm: Kvm, name: string, ttlMs?: number): Promise<KV> {
  try {
    return await kvm.create(name, ttlMs ? { ttl: ttlMs, history: 1 } : { history: 1 });
  } catch {
    return kvm.open(name); // exists with another node's settings: use it as is
  }
}

/**
 * The cluster's station → node directory, built so its cost follows connection churn, not fleet
 * size (issue #10: 1M stations on 50 nodes):
 * - node liveness is one lease key per node in LEASE_BUCKET (TTL = CSMS_REGISTRY_TTL), refreshed
 *   every TTL/3; every node watches that small bucket (a few messages per second for 50 nodes);
 * - a station's entry in DIRECTORY_BUCKET is written when it connects (read, then a
 *   compare-and-set over the previous entry or delete marker) and deleted when it disconnects (only the revision
 *   this node wrote), tagged with the node's epoch (this run's start time). Nothing refreshes it;
 *   an entry whose node's lease expired, or whose epoch is not the lease's, is read as gone;
 * - displacement (the station connected to another node) is one message to the previous node's
 *   own subject, sent by the node taking over; no node watches the station bucket;
 * - lookups read one key on demand, kept for `cacheMs` in a small local cache; a caller that
 *   found the entry stale asks again with `fresh`.
 */
export class StationDirectory {
  readonly epoch: number;
  readonly counts: DirectoryCounts = { get: 0, create: 0, update: 0, delete: 0, leaseRefresh: 0, displaceSent: 0, displaceReceived: 0, lookup: 0, cacheHit: 0 };
  private readonly mine = new Map<string, OwnEntry>();
  /** Per station, the directory writes still running, in order (connect, disconnect, connect…). */
  private readonly chains = new Map<string, Promise<void>>();
  /** Leases seen on the watch: node id → epoch and when it was last refreshed (local ms). */
  private readonly leases = new Map<string, { epoch: number; seenAt: number }>();
  private readonly cache = new Map<string, { entry: DirectoryEntry; at: number }>();
  /** When a lease missing from the watch was last read (a dead node's entries must not cost a read each). */
  private readonly leaseReads = new Map<string, number>();
  /** Our entries whose delete did not reach NATS (it was away): retried after a reconnect. */
  private readonly unwithdrawn = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly cacheMs: number;
  private readonly cacheSize: number;
  private readonly timer: NodeJS.Timeout;
  private stopWatch: (() => void) | undefined;
  private displaceSub: Subscription | undefined;
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private stations: KV,
    private nodes: KV,
    private readonly options: DirectoryOptions,
    private readonly lease: NodeLease,
    private leaseRevision: number,
  ) {
    this.epoch = lease.epoch;
    this.ttlMs = options.ttlSec * 1000;
    this.cacheMs = options.cacheMs ?? 2000;
    this.cacheSize = options.cacheSize ?? 10_000;
    this.timer = setInterval(() => {
      void this.refreshLease().then(() => this.retryMissed(), options.onError);
    }, Math.max(500, this.ttlMs / 3));
    this.timer.unref();
  }

  /**
   * Takes this node's lease and starts watching the others'. A lease held by a running node with
   * the same id (it keeps refreshing it) refuses the start (DuplicateNodeError); a lease left by
   * a previous run that died is waited out (at most one TTL).
   */
  static async open(nc: NatsConnection, options: DirectoryOptions): Promise<StationDirectory> {
    const kvm = new Kvm(nc);
    const ttlMs = options.ttlSec * 1000;
    const [stations, nodes] = await Promise.all([openBucket(kvm, DIRECTORY_BUCKET), openBucket(kvm, LEASE_BUCKET, ttlMs)]);
    const lease: NodeLease = { nodeId: options.nodeId, epoch: Date.now(), startedAt: new Date().toISOString() };
    const revision = await StationDirectory.acquire(nodes, lease, ttlMs, options.log);
    const directory = new StationDirectory(nc, stations, nodes, options, lease, revision);
    await directory.watchLeases();
    return directory;
  }

  private static async acquire(nodes: KV, lease: NodeLease, ttlMs: number, log: Log): Promise<number> {
    const deadline = Date.now() + ttlMs + 2000;
    let seen: number | undefined;
    for (;;) {
      try {
        return await nodes.create(lease.nodeId, JSON.stringify(lease));
      } catch (error) {
        const current = await nodes.get(lease.nodeId);
        if (current && current.operation === 'PUT') {
          if (seen !== undefined && current.revision !== seen) {
            throw new DuplicateNodeError(
              `Node id '${lease.nodeId}' is in use: another running node refreshes its lease in the cluster directory. Give every node its own CSMS_NODE_ID`,
            );
          }
          if (seen === undefined) log.warn({ nodeId: lease.nodeId, leaseTtlMs: ttlMs }, 'node id has a lease already: waiting for it to expire (a previous run) or be refreshed (a duplicate node)');
          seen = current.revision;
        }
        if (Date.now() > deadline) {
          throw seen === undefined ? error : new DuplicateNodeError(`Node id '${lease.nodeId}': its lease did not expire within ${ttlMs} ms`);
        }
      }
      await sleep(250);
    }
  }

  private async watchLeases(): Promise<void> {
    const updates = await this.nodes.watch({ include: KvWatchInclude.LastValue });
    this.stopWatch = () => updates.stop();
    void (async () => {
      for await (const entry of updates) {
        if (entry.operation !== 'PUT') {
          this.leases.delete(entry.key);
          continue;
        }
        const lease = parse<NodeLease>(entry);
        if (!lease) continue;
        // A value present when the watch started was written at `created`; an update just now.
        this.leases.set(entry.key, { epoch: lease.epoch, seenAt: entry.isUpdate ? Date.now() : Math.min(Date.now(), entry.created.getTime()) });
      }
    })().catch(this.options.onError);
  }

  /** A lease the watch has not delivered yet (just after start): read it, at most once per TTL/3 per node. */
  private async readLease(nodeId: string): Promise<void> {
    const checked = this.leaseReads.get(nodeId);
    if (checked !== undefined && Date.now() - checked < this.ttlMs / 3) return;
    if (this.leaseReads.size >= 1000) this.leaseReads.clear();
    this.leaseReads.set(nodeId, Date.now());
    const found = await this.nodes.get(nodeId);
    const lease = found && found.operation === 'PUT' ? parse<NodeLease>(found) : undefined;
    if (lease && !this.leases.has(nodeId)) this.leases.set(nodeId, { epoch: lease.epoch, seenAt: Math.min(Date.now(), found!.created.getTime()) });
  }

  /** Whether the node run that wrote an entry is alive: its lease is there, with that epoch, not expired. */
  alive(nodeId: string, epoch: number): boolean {
    if (nodeId === this.options.nodeId) return epoch === this.epoch;
    const lease = this.leases.get(nodeId);
    return lease !== undefined && lease.epoch === epoch && Date.now() - lease.seenAt < this.ttlMs;
  }

  /** Node ids whose lease is alive, this node included. */
  liveNodes(): string[] {
    return [this.options.nodeId, ...[...this.leases.keys()].filter((id) => id !== this.options.nodeId && this.alive(id, this.leases.get(id)!.epoch))];
  }

  private async refreshLease(): Promise<void> {
    const value = JSON.stringify(this.lease);
    try {
      this.leaseRevision = await this.nodes.update(this.lease.nodeId, value, this.leaseRevision);
      this.counts.leaseRefresh++;
      return;
    } catch {
      // Gone (NATS away longer than the TTL, or its storage lost) or rewritten: look.
    }
    const current = await this.nodes.get(this.lease.nodeId);
    if (current && current.operation === 'PUT') {
      const holder = parse<NodeLease>(current);
      if (holder?.epoch === this.epoch) {
        this.leaseRevision = current.revision; // our own write whose answer we missed
        return;
      }
      this.options.log.error({ nodeId: this.lease.nodeId, epoch: this.epoch, otherEpoch: holder?.epoch }, 'another process took this node id: its stations are not reachable through the directory');
      return;
    }
    this.leaseRevision = await this.nodes.create(this.lease.nodeId, value);
    this.counts.leaseRefresh++;
    this.options.log.warn({ nodeId: this.lease.nodeId, epoch: this.epoch }, 'node lease had expired; taken again (this node\'s stations are reachable again)');
  }

  /**
   * After a NATS reconnect: recreate the buckets if the server lost them (then re-announce this
   * node's stations, the only time entries are rewritten), renew the lease, watch again.
   */
  async recover(): Promise<void> {
    const lost = await this.stations.status().then(() => false, () => true);
    const kvm = new Kvm(this.nc);
    if (lost) {
      this.stations = await openBucket(kvm, DIRECTORY_BUCKET);
      this.nodes = await openBucket(kvm, LEASE_BUCKET, this.ttlMs);
      this.stopWatch?.();
      await this.watchLeases();
    }
    await this.refreshLease();
    if (lost) {
      this.options.log.warn({ nodeId: this.lease.nodeId, stations: this.mine.size }, 'directory buckets were lost by the NATS server: re-announcing this node\'s stations');
      this.unwithdrawn.clear();
    }
    if (lost) for (const own of this.mine.values()) own.revision = undefined;
    this.retryMissed();
  }

  /**
   * Writes that did not land (NATS away, a timeout): announces without a revision and deletes
   * that failed. Run after every lease refresh and reconnect, so the directory heals by itself.
   */
  private retryMissed(): void {
    for (const [stationId, own] of this.mine) {
      if (own.revision === undefined && !this.chains.has(stationId)) this.enqueue(stationId, () => this.write(stationId, own));
    }
    for (const [stationId, revision] of this.unwithdrawn) {
      if (this.chains.has(stationId)) continue;
      this.unwithdrawn.delete(stationId);
      if (!this.mine.has(stationId)) this.enqueue(stationId, () => this.remove(stationId, revision));
    }
  }

  /** Calls `onDisplaced(stationId)` when a station this node holds connected to another node. */
  listenForDisplacements(onDisplaced: (stationId: string, by: string) => void): void {
    this.displaceSub = this.nc.subscribe(nodeDisplaceSubject(this.options.nodeId), {
      callback: (error, msg) => {
        if (error) return;
        const notice = (() => {
          try {
            return msg.json<Displacement>();
          } catch {
            return undefined;
          }
        })();
        if (!notice || typeof notice.stationId !== 'string') return;
        this.counts.displaceReceived++;
        const own = this.mine.get(notice.stationId);
        if (!own || own.connectedAt > notice.connectedAt) return; // already gone, or reconnected here since
        this.mine.delete(notice.stationId);
        onDisplaced(notice.stationId, notice.nodeId);
      },
    });
  }

  /** A station connected to this node. */
  announce(stationId: string, entry: Omit<OwnEntry, 'revision'>): void {
    const own: OwnEntry = { ...entry };
    this.mine.set(stationId, own);
    this.cache.delete(stationId);
    this.enqueue(stationId, () => this.write(stationId, own));
  }

  /** A station's connection to this node closed: delete our entry, unless a newer one replaced it. */
  withdraw(stationId: string): void {
    const own = this.mine.get(stationId);
    if (!own) return;
    this.mine.delete(stationId);
    this.cache.delete(stationId);
    this.enqueue(stationId, async () => {
      if (own.revision !== undefined) await this.remove(stationId, own.revision);
    });
  }

  private async remove(stationId: string, revision: number): Promise<void> {
    try {
      await this.stations.delete(encodeToken(stationId), { previousSeq: revision });
      this.counts.delete++;
    } catch (error) {
      // "wrong last sequence": a newer entry (the station on another node) replaced ours, and
      // that one is right. Anything else (NATS away): try again after the reconnect.
      if (!/wrong last sequence/i.test(String((error as Error).message))) this.unwithdrawn.set(stationId, revision);
    }
  }

  private enqueue(stationId: string, step: () => Promise<void>): void {
    const next = (this.chains.get(stationId) ?? Promise.resolve()).then(step).catch(this.options.onError);
    this.chains.set(stationId, next);
    void next.then(() => {
      if (this.chains.get(stationId) === next) this.chains.delete(stationId);
    });
  }

  /** Resolves when every directory write queued so far has landed (or failed). */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private async write(stationId: string, own: OwnEntry): Promise<void> {
    if (this.mine.get(stationId) !== own || this.closed) return; // superseded or withdrawn meanwhile
    const key = encodeToken(stationId);
    const value = JSON.stringify({ nodeId: this.options.nodeId, epoch: this.epoch, tenantId: own.tenantId, version: own.version, connectedAt: own.connectedAt } satisfies DirectoryEntry);
    for (let attempt = 0; attempt < 5; attempt++) {
      // Read first: the previous entry names the node to tell, and its revision (a live entry or
      // a delete marker, which every station that ever connected has) makes the write one
      // compare-and-set. (A blind create over a delete marker costs three round trips.)
      const current = await this.stations.get(key);
      this.counts.get++;
      const previous = current && current.operation === 'PUT' ? parse<DirectoryEntry>(current) : undefined;
      try {
        if (current) {
          own.revision = await this.stations.update(key, value, current.revision);
          this.counts.update++;
        } else {
          own.revision = await this.stations.create(key, value);
          this.counts.create++;
        }
      } catch {
        continue; // written by someone else between our read and our write: read again
      }
      // Told after the entry names us, so whoever it closes finds the station here at once.
      if (previous && previous.nodeId !== this.options.nodeId && !this.leases.has(previous.nodeId)) await this.readLease(previous.nodeId);
      if (previous && previous.nodeId !== this.options.nodeId && this.alive(previous.nodeId, previous.epoch)) {
        this.nc.publish(nodeDisplaceSubject(previous.nodeId), JSON.stringify({ stationId, nodeId: this.options.nodeId, connectedAt: own.connectedAt } satisfies Displacement));
        this.counts.displaceSent++;
      }
      return;
    }
    throw new Error(`Directory entry of station ${stationId} is contended: not written after 5 attempts`);
  }

  /**
   * Where a station is connected: its entry, if the node run that wrote it is alive. `fresh`
   * skips the cache (after a node said it does not hold the station).
   */
  async lookup(stationId: string, options: { fresh?: boolean } = {}): Promise<DirectoryEntry | undefined> {
    this.counts.lookup++;
    const cached = this.cache.get(stationId);
    if (cached && !options.fresh && Date.now() - cached.at < this.cacheMs && this.usable(stationId, cached.entry)) {
      this.counts.cacheHit++;
      return cached.entry;
    }
    this.cache.delete(stationId);
    const found = await this.stations.get(encodeToken(stationId));
    this.counts.get++;
    const entry = found && found.operation === 'PUT' ? parse<DirectoryEntry>(found) : undefined;
    if (entry && entry.nodeId !== this.options.nodeId && !this.leases.has(entry.nodeId)) await this.readLease(entry.nodeId);
    if (!entry || !this.usable(stationId, entry)) return undefined;
    if (this.cacheMs > 0) {
      if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(stationId, { entry, at: Date.now() });
    }
    return entry;
  }

  private usable(stationId: string, entry: DirectoryEntry): boolean {
    if (entry.nodeId === this.options.nodeId && entry.epoch === this.epoch) return this.mine.has(stationId);
    return this.alive(entry.nodeId, entry.epoch);
  }

  /** Forget a cached entry (a node answered that it does not hold the station). */
  invalidate(stationId: string): void {
    this.cache.delete(stationId);
  }

  get size(): number {
    return this.mine.size;
  }

  /**
   * Stops refreshing and watching. `release` (a graceful stop) waits for queued writes and
   * deletes the lease, so other nodes read this node's remaining entries as gone at once.
   */
  async close(options: { release?: boolean } = {}): Promise<void> {
    clearInterval(this.timer);
    this.stopWatch?.();
    this.displaceSub?.unsubscribe();
    if (options.release) {
      // Bounded: with NATS away the writes would wait for their timeouts; the lease expires anyway.
      await Promise.race([this.settled(), sleep(2000)]);
      await this.nodes.delete(this.lease.nodeId, { previousSeq: this.leaseRevision }).catch(this.options.onError);
    }
    this.closed = true;
  }
}
