/**
 * The durable side of the sync client, on IndexedDB. Outbox: a mutation and its local effect are
 * recorded in one transaction, numbered 1, 2, 3 …; an entry is sent until its result is known and
 * its effect is laid over the revealed rows until a pull confirms it. Replica: revealed rows,
 * cursor and last applied mutation, replaced in one transaction per revealed pull sequence.
 */
import { notifyStoreChange } from "../db/events";
import { entityRecord, openStore } from "../db/store";
import type { IDBPObjectStore } from "idb";

import type { Effect, GembaDB, GembaSchema, MetaKey, MetaValues, OutboxRecord, OutboxState, SyncMeta } from "../db/schema";
import { outcomeOf, type MutationEnvelope, type MutationResult, type PatchOp } from "./protocol";

export const EMPTY_SYNC: SyncMeta = {
  cursor: null,
  last_mutation_id: 0,
  last_sync_at: null,
  last_error: null,
  update_required: null,
  reset_after: null,
  lost_work: null,
};

export interface NewMutation {
  name: string;
  version: number;
  args: unknown;
  effects?: Effect[];
  summary?: string;
  /** Device state changed together with the mutation (e.g. a stopped timer), in the same transaction. */
  meta?: { set?: Partial<MetaValues>; remove?: MetaKey[] };
}

export type RowKey = [entity: string, id: string];

function compareKeys(a: RowKey, b: RowKey): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

const DONE: Record<"applied" | "unknown" | "rejected", OutboxState> = {
  applied: "applied",
  unknown: "unknown",
  rejected: "rejected",
};

type OutboxStore = IDBPObjectStore<GembaSchema, ("outbox" | "meta" | "entities")[], "outbox", "readwrite">;

/** A result the person should read: a refusal, or a notice on an applied change (not a conflict: its row shows it). */
export function needsAttention(record: OutboxRecord): boolean {
  if (record.state === "rejected") return true;
  const code = record.result?.code;
  return record.state === "applied" && !!code && code !== "conflict" && !!record.result?.reason;
}

/** Entries with a result, up to the confirmed mutation, have nothing left to send or lay over rows. */
async function forgetFinished(outbox: OutboxStore, confirmed: number): Promise<void> {
  for (const state of ["applied", "unknown"] as const) {
    for (const record of await outbox.index("byState").getAll(state)) {
      if (record.id <= confirmed && !needsAttention(record)) await outbox.delete(record.id);
    }
  }
}

export class SyncStore {
  constructor(private readonly dbPromise: Promise<GembaDB> = openStore()) {}

  db(): Promise<GembaDB> {
    return this.dbPromise;
  }

  // --- outbox -----------------------------------------------------------------------------

  /** Numbers the mutation and records it with its local effect, in one durable transaction. */
  async enqueue(mutation: NewMutation, now: Date = new Date()): Promise<OutboxRecord> {
    const db = await this.dbPromise;
    const tx = db.transaction(["outbox", "meta"], "readwrite", { durability: "strict" });
    const meta = tx.objectStore("meta");
    const next = ((await meta.get("next_mutation_id")) as number | undefined) ?? 1;
    const record: OutboxRecord = {
      id: next,
      name: mutation.name,
      version: mutation.version,
      args: mutation.args,
      effects: mutation.effects ?? [],
      created_at: now.toISOString(),
      state: "pending",
      attempts: 0,
      ...(mutation.summary === undefined ? {} : { summary: mutation.summary }),
    };
    const extra = [
      ...Object.entries(mutation.meta?.set ?? {}).map(([key, value]) =>
        meta.put(value as MetaValues[MetaKey], key as MetaKey),
      ),
      ...(mutation.meta?.remove ?? []).map((key) => meta.delete(key)),
    ];
    await Promise.all([tx.objectStore("outbox").add(record), meta.put(next + 1, "next_mutation_id"), ...extra, tx.done]);
    notifyStoreChange("outbox");
    notifyStoreChange("entities");
    if (mutation.meta) notifyStoreChange("meta");
    return record;
  }

  async nextId(): Promise<number> {
    const db = await this.dbPromise;
    return ((await db.get("meta", "next_mutation_id")) as number | undefined) ?? 1;
  }

  /** Entries without a known result, ascending. */
  async pendingIds(): Promise<number[]> {
    const db = await this.dbPromise;
    return (await db.getAllKeysFromIndex("outbox", "byState", "pending")).sort((a, b) => a - b);
  }

  /** Entries whose effects the revealed rows do not include yet. */
  async overlayIds(): Promise<number[]> {
    const [pending, sync] = await Promise.all([this.pendingIds(), this.sync()]);
    return pending.filter((id) => id > sync.last_mutation_id);
  }

  /** The oldest entries without a result, as they go on the wire. */
  async batch(limit: number): Promise<MutationEnvelope[]> {
    const db = await this.dbPromise;
    const rows = (await db.getAllFromIndex("outbox", "byState", "pending")).sort((a, b) => a.id - b.id);
    const batch: MutationEnvelope[] = [];
    for (const r of rows) {
      if (batch.length >= limit) break;
      const previous = batch[batch.length - 1];
      if (previous && r.id !== previous.id + 1) break;
      batch.push({ id: r.id, name: r.name, version: r.version, args: r.args, client_ts: r.created_at });
    }
    return batch;
  }

  /** Records results: the first result of an entry wins; a later (duplicate) answer changes nothing. */
  async applyResults(results: MutationResult[], attempted: number[] = []): Promise<void> {
    if (results.length === 0 && attempted.length === 0) return;
    const db = await this.dbPromise;
    const tx = db.transaction("outbox", "readwrite", { durability: "strict" });
    const answered = new Set<number>();
    let refused = false;
    for (const result of results) {
      answered.add(result.id);
      const record = await tx.store.get(result.id);
      if (!record || record.state !== "pending") continue;
      const state = DONE[outcomeOf(result)];
      refused ||= state === "rejected";
      await tx.store.put({ ...record, state, result: { ...result } });
    }
    for (const id of attempted) {
      if (answered.has(id)) continue;
      const record = await tx.store.get(id);
      if (record?.state === "pending") await tx.store.put({ ...record, attempts: record.attempts + 1 });
    }
    await tx.done;
    notifyStoreChange("outbox");
    // An applied entry's effect stays on screen until the pull that follows reveals it; a refused
    // one's effect disappears now.
    if (refused) notifyStoreChange("entities");
  }

  async outcome(id: number): Promise<"applied" | "rejected" | "unknown" | null> {
    const db = await this.dbPromise;
    const record = await db.get("outbox", id);
    return record?.result ? outcomeOf(record.result) : null;
  }

  async result(id: number): Promise<MutationResult | null> {
    const db = await this.dbPromise;
    return (await db.get("outbox", id))?.result ?? null;
  }

  /** A 409 expecting an entry this device already has a result for: the server lost acknowledged work. */
  async lost(expected: number): Promise<boolean> {
    const [next, pending] = await Promise.all([this.nextId(), this.pendingIds()]);
    return expected < next && !pending.includes(expected);
  }

  /** A pull's last applied mutation: entries up to it leave the overlay; finished ones are forgotten. */
  async confirm(lastMutationId: number): Promise<void> {
    const db = await this.dbPromise;
    const tx = db.transaction(["outbox", "meta"], "readwrite", { durability: "strict" });
    const meta = tx.objectStore("meta");
    const sync = { ...EMPTY_SYNC, ...((await meta.get("sync")) as SyncMeta | undefined) };
    const confirmed = Math.max(sync.last_mutation_id, lastMutationId);
    await meta.put({ ...sync, last_mutation_id: confirmed }, "sync");
    await forgetFinished(tx.objectStore("outbox"), confirmed);
    await tx.done;
    notifyStoreChange("outbox");
    notifyStoreChange("entities");
  }

  /**
   * This database now syncs as another `client_id` (the person signed in again). Numbering starts
   * over; mutations that never got a result cannot be sent under the new id (the server might have
   * applied some already), so they are listed for the person to re-enter, with their effects gone.
   */
  async startNewClient(): Promise<number> {
    const db = await this.dbPromise;
    const tx = db.transaction(["outbox", "meta"], "readwrite", { durability: "strict" });
    const outbox = tx.objectStore("outbox");
    const stranded = await outbox.index("byState").getAll("pending");
    for (const record of stranded) {
      await outbox.put({
        ...record,
        state: "rejected",
        result: {
          id: record.id,
          status: "rejected",
          code: "not_sent",
          reason:
            "This change was made before this device signed in again and did not reach the server. Make it again if it is still needed.",
        },
      });
    }
    const meta = tx.objectStore("meta");
    await meta.put(1, "next_mutation_id");
    await meta.put({ ...EMPTY_SYNC }, "sync");
    await tx.done;
    notifyStoreChange("outbox");
    notifyStoreChange("entities");
    notifyStoreChange("meta");
    return stranded.length;
  }

  /** The person has read a refusal or notice: it leaves the inbox. */
  async dismiss(id: number): Promise<void> {
    const db = await this.dbPromise;
    const record = await db.get("outbox", id);
    if (record && record.state !== "pending") await db.delete("outbox", id);
    notifyStoreChange("outbox");
  }

  // --- replica ----------------------------------------------------------------------------

  async sync(): Promise<SyncMeta> {
    const db = await this.dbPromise;
    return { ...EMPTY_SYNC, ...((await db.get("meta", "sync")) as SyncMeta | undefined) };
  }

  async updateSync(change: Partial<SyncMeta>): Promise<SyncMeta> {
    const db = await this.dbPromise;
    const tx = db.transaction("meta", "readwrite");
    const next = { ...EMPTY_SYNC, ...((await tx.store.get("sync")) as SyncMeta | undefined), ...change };
    await Promise.all([tx.store.put(next, "sync"), tx.done]);
    notifyStoreChange("meta");
    return next;
  }

  /**
   * Reveals a complete pull sequence in one transaction: the ops (after the last `clear`, on an
   * empty replica), the cursor and last applied mutation; entries the pull confirms leave the
   * overlay, and finished ones are forgotten. Returns the rows that left.
   */
  async reveal(ops: PatchOp[], cursor: string, lastMutationId: number, now: Date = new Date()): Promise<RowKey[]> {
    const db = await this.dbPromise;
    const tx = db.transaction(["entities", "outbox", "meta"], "readwrite", { durability: "strict" });
    const entities = tx.objectStore("entities");
    let start = 0;
    ops.forEach((op, index) => {
      if (op.op === "clear") start = index + 1;
    });
    const before = new Map<string, RowKey>();
    const remember = (key: RowKey) => before.set(JSON.stringify(key), key);
    if (start > 0) {
      for (const key of await entities.getAllKeys()) remember(key);
      await entities.clear();
    }
    const touched = new Set<string>();
    for (const op of ops.slice(start)) {
      if (op.op === "clear") continue;
      const key: RowKey = [op.entity, op.id];
      const name = JSON.stringify(key);
      if (start === 0 && !touched.has(name) && (await entities.getKey(key)) !== undefined) remember(key);
      touched.add(name);
      if (op.op === "put") {
        const record = entityRecord(op.entity, { ...op.data, id: op.id });
        await entities.put({ ...record, data: op.data, version: op.version });
      } else {
        await entities.delete(key);
      }
    }
    const left: RowKey[] = [];
    for (const key of before.values()) {
      if ((await entities.getKey(key)) === undefined) left.push(key);
    }
    const meta = tx.objectStore("meta");
    const sync = { ...EMPTY_SYNC, ...((await meta.get("sync")) as SyncMeta | undefined) };
    const confirmed = Math.max(sync.last_mutation_id, lastMutationId);
    await meta.put(
      { ...sync, cursor, last_mutation_id: confirmed, last_sync_at: now.toISOString(), last_error: null },
      "sync",
    );
    await forgetFinished(tx.objectStore("outbox"), confirmed);
    await tx.done;
    notifyStoreChange("entities");
    notifyStoreChange("outbox");
    notifyStoreChange("meta");
    return left.sort(compareKeys);
  }

  /** Every revealed row as [entity, id, version, data], sorted by (entity, id). */
  async rows(): Promise<[string, string, number, Record<string, unknown>][]> {
    const db = await this.dbPromise;
    const all = await db.getAll("entities");
    return all
      .map((r): [string, string, number, Record<string, unknown>] => [r.type, r.id, r.version ?? 0, r.data])
      .sort((a, b) => compareKeys([a[0], a[1]], [b[0], b[1]]));
  }
}
