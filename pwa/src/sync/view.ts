/**
 * What the screens show: the server's rows as last revealed, with the local effects of this
 * device's mutations laid over them until a revealed pull includes them (or they are refused).
 */
import { openStore } from "../db/store";
import type { Effect, EntityRecord, GembaDB, OutboxRecord, SyncMeta } from "../db/schema";

export interface ViewRow {
  entity: string;
  id: string;
  /** The server version the row was revealed at (0 for a row only this device has so far). */
  version: number;
  data: Record<string, unknown>;
  /** True while a change of this device to the row has not reached a revealed pull. */
  pending: boolean;
}

/** Entries without a result whose effects the revealed rows do not include yet, oldest first. */
export function overlays(outbox: OutboxRecord[], confirmed: number): OutboxRecord[] {
  return outbox.filter((r) => r.state === "pending" && r.id > confirmed).sort((a, b) => a.id - b.id);
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

async function pendingOverlays(db: GembaDB): Promise<OutboxRecord[]> {
  const tx = db.transaction(["outbox", "meta"]);
  const [outbox, sync] = await Promise.all([
    tx.objectStore("outbox").getAll(),
    tx.objectStore("meta").get("sync") as Promise<SyncMeta | undefined>,
  ]);
  return overlays(outbox, sync?.last_mutation_id ?? 0);
}

export async function readRow(entity: string, id: string, db?: GembaDB): Promise<ViewRow | undefined> {
  const handle = db ?? (await openStore());
  const [stored, pending] = await Promise.all([handle.get("entities", [entity, id]), pendingOverlays(handle)]);
  let row = stored ? fromRecord(stored) : undefined;
  for (const record of pending) {
    for (const effect of record.effects) {
      if (effect.entity === entity && effect.id === id) row = applyEffect(row, effect);
    }
  }
  return row;
}

export async function readRows(entity: string, db?: GembaDB): Promise<ViewRow[]> {
  const handle = db ?? (await openStore());
  const [stored, pending] = await Promise.all([
    handle.getAllFromIndex("entities", "byType", entity),
    pendingOverlays(handle),
  ]);
  const rows = new Map<string, ViewRow | undefined>(stored.map((r) => [r.id, fromRecord(r)]));
  for (const record of pending) {
    for (const effect of record.effects) {
      if (effect.entity === entity) rows.set(effect.id, applyEffect(rows.get(effect.id), effect));
    }
  }
  return [...rows.values()].filter((row): row is ViewRow => row !== undefined);
}
