import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, KvWatchInclude, type KV } from '@nats-io/kv';
import type { OcppVersion } from '../core/protocols.js';
import { encodeToken } from '../adapters/bus/nats-subjects.js';

/** Where a station is connected, cluster-wide. */
export interface DirectoryEntry {
  nodeId: string;
  tenantId: string;
  version: OcppVersion;
  connectedAt: string;
}

export const DIRECTORY_BUCKET = 'csms_stations';

/**
 * Station → node registry in a JetStream KV bucket whose entries expire after the TTL
 * (CSMS_REGISTRY_TTL). Each node re-puts its own entries every TTL/3, so a node that dies
 * stops refreshing and its stations vanish from the directory within one TTL. The newest
 * connection wins across nodes as within one: when another node announces a station this node
 * still holds, `onDisplaced` closes the local (stale) connection.
 */
export class StationDirectory {
  private readonly mine = new Map<string, DirectoryEntry>();
  private readonly timer: NodeJS.Timeout;
  private stopWatch: (() => void) | undefined;

  private constructor(
    private readonly kv: KV,
    private readonly nodeId: string,
    ttlSec: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => this.refresh(), Math.max(1000, (ttlSec * 1000) / 3));
    this.timer.unref();
  }

  static async open(nc: NatsConnection, nodeId: string, ttlSec: number, onError: (error: unknown) => void): Promise<StationDirectory> {
    return new StationDirectory(await StationDirectory.bucket(nc, ttlSec), nodeId, ttlSec, onError);
  }

  private static async bucket(nc: NatsConnection, ttlSec: number): Promise<KV> {
    const kvm = new Kvm(nc);
    try {
      return await kvm.create(DIRECTORY_BUCKET, { ttl: ttlSec * 1000, history: 1 });
    } catch {
      return kvm.open(DIRECTORY_BUCKET); // exists with another node's settings: use it as is
    }
  }

  /** After a NATS reconnect: recreate the bucket if the server lost it, and re-announce at once. */
  async recover(nc: NatsConnection, ttlSec: number): Promise<void> {
    await StationDirectory.bucket(nc, ttlSec);
    this.refresh();
  }

  /** Calls `onDisplaced(stationId)` when another node takes over a station this node holds. */
  async watchDisplacements(onDisplaced: (stationId: string) => void): Promise<void> {
    const updates = await this.kv.watch({ include: KvWatchInclude.UpdatesOnly, ignoreDeletes: true });
    this.stopWatch = () => updates.stop();
    void (async () => {
      for await (const entry of updates) {
        if (entry.operation !== 'PUT') continue;
        let value: DirectoryEntry;
        try {
          value = entry.json<DirectoryEntry>();
        } catch {
          continue;
        }
        for (const [stationId, own] of this.mine) {
          if (encodeToken(stationId) === entry.key && value.nodeId !== this.nodeId && value.connectedAt >= own.connectedAt) {
            this.mine.delete(stationId);
            onDisplaced(stationId);
          }
        }
      }
    })().catch(this.onError);
  }

  announce(stationId: string, entry: Omit<DirectoryEntry, 'nodeId'>): void {
    const value = { ...entry, nodeId: this.nodeId };
    this.mine.set(stationId, value);
    this.kv.put(encodeToken(stationId), JSON.stringify(value)).catch(this.onError);
  }

  /** Removes the entry only if it is still ours (the station may already be on another node). */
  withdraw(stationId: string): void {
    if (!this.mine.delete(stationId)) return;
    const key = encodeToken(stationId);
    void (async () => {
      const current = await this.kv.get(key);
      if (!current || current.operation !== 'PUT' || current.json<DirectoryEntry>().nodeId !== this.nodeId) return;
      await this.kv.delete(key, { previousSeq: current.revision });
    })().catch(() => {
      // Lost a race with a newer announcement (previousSeq mismatch): that entry is the right one.
    });
  }

  async lookup(stationId: string): Promise<DirectoryEntry | undefined> {
    const entry = await this.kv.get(encodeToken(stationId));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return entry.json<DirectoryEntry>();
  }

  private refresh(): void {
    for (const [stationId, value] of this.mine) this.kv.put(encodeToken(stationId), JSON.stringify(value)).catch(this.onError);
  }

  get size(): number {
    return this.mine.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.stopWatch?.();
  }
}
