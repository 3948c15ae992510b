/**
 * What the screens show: the server's rows as last revealed, with the local effects of this
 * device's mutations laid over them until a revealed pull includes them (or they are refused).
 */
import { openStore } from "../db/store";
import type { Effect, EntityRecord, GembaDB, GembaSchema, OutboxRecord, SyncMeta } from "../db/schema";
import type { IDBPObjectStore } from "idb";

export interface ViewRow {
  entity: string;
  id: string;
  /** The server version the row was revealed at (0 for a row only this device has so far). */
  version: number;
  data: Record<string, unknown>;
  /** True while a change of this device to the row has not reached a revealed pull. */
  pending: boolean;
}

/**
 * Entries whose effects the revealed rows do not include yet, oldest first: not sent, or applied
 * by the server but not yet in a revealed pull (dropping those at the push's answer would show
 * the old row until the next pull). A refused entry's effect is gone at once.
 */
export function overlays(outbox: OutboxRecord[], confirmed: number): OutboxRecord[] {
  return outbox.filter((r) => r.state !== "rejected" && r.id > confirmed).sort((a, b) => a.id - b.id);
}

export function applyEffect(row: ViewRow | undefined, effect: Effect): ViewRow | undefined {
  switch (effect.op) {
    case "put":
      return { entity: effect.entity, id: effect.id, version: row?.version ?? 0, data: { ...effect.data }, pending: true };
    case "patch":
      return row ? { ...row, data: { ...row.data, ...effect.fields }, pending: true } : undefined;
    case "del":
      return undefined;
  }
}

function fromRecord(record: EntityRecord): ViewRow {
  return { entity: record.type, id: record.id, version: record.version ?? 0, data: record.data, pending: false };
}

type EntityStore = IDBPObjectStore<GembaSchema, ("entities" | "outbox" | "meta")[], "entities", "readonly">;

/**
 * Revealed rows and the overlays laid over them, read in one transaction. Read apart, a reveal
 * committing in between shows an effect twice (rows after it, outbox before) or not at all (rows
 * before, outbox after): a control flips back for a moment, a count is doubled.
 */
async function snapshot(
  db: GembaDB,
  rows: (entities: EntityStore) => Promise<EntityRecord[]>,
): Promise<[EntityRecord[], OutboxRecord[]]> {
  const tx = db.transaction(["entities", "outbox", "meta"]);
  const [stored, outbox, sync] = await Promise.all([
    rows(tx.objectStore("entities")),
    tx.objectStore("outbox").getAll(),
    tx.objectStore("meta").get("sync") as Promise<SyncMeta | undefined>,
  ]);
  return [stored, overlays(outbox, sync?.last_mutation_id ?? 0)];
}

/** The revealed rows of `entity` and the pending outbox entries, as of one moment. */
export async function readRevealed(entity: string, db?: GembaDB): Promise<[EntityRecord[], OutboxRecord[]]> {
  const handle = db ?? (await openStore());
  return snapshot(handle, (entities) => entities.index("byType").getAll(entity));
}

export async function readRow(entity: string, id: string, db?: GembaDB): Promise<ViewRow | undefined> {
  const handle = db ?? (await openStore());
  const [stored, pending] = await snapshot(handle, async (entities) => {
    const record = await entities.get([entity, id]);
    return record ? [record] : [];
  });
  let row = stored[0] ? fromRecord(stored[0]) : undefined;
  for (const record of pending) {
    for (const effect of record.effects) {
      if (effect.entity === entity && effect.id === id) row = applyEffect(row, effect);
    }
  }
  return row;
}

export async function readRows(entity: string, db?: GembaDB): Promise<ViewRow[]> {
  const [stored, pending] = await readRevealed(entity, db);
  const rows = new Map<string, ViewRow | undefined>(stored.map((r) => [r.id, fromRecord(r)]));
  for (const record of pending) {
    for (const effect of record.effects) {
      if (effect.entity === entity) rows.set(effect.id, applyEffect(rows.get(effect.id), effect));
    }
  }
  return [...rows.values()].filter((row): row is ViewRow => row !== undefined);
}
