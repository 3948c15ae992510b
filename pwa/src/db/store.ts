/** The local store: replicated entities, the outbox and the device's own settings. */
import { openDB } from "idb";

import { DB_NAME, DB_VERSION, upgrade } from "./schema";
import type { EntityRecord, GembaDB, MetaKey, MetaValues, OutboxRecord } from "./schema";
import { notifyStoreChange } from "./events";

let opened: Promise<GembaDB> | null = null;

export function openStore(name: string = DB_NAME): Promise<GembaDB> {
  if (name !== DB_NAME) return open(name);
  opened ??= open(name);
  return opened;
}

function open(name: string): Promise<GembaDB> {
  return openDB(name, DB_VERSION, {
    upgrade,
    blocking(_current, _next, event) {
      // A newer version of the app wants to upgrade the schema: let it.
      (event.target as IDBDatabase | null)?.close();
      opened = null;
    },
  });
}

export async function getMeta<K extends MetaKey>(key: K, db?: GembaDB): Promise<MetaValues[K] | undefined> {
  const handle = db ?? (await openStore());
  return (await handle.get("meta", key)) as MetaValues[K] | undefined;
}

export async function setMeta<K extends MetaKey>(key: K, value: MetaValues[K], db?: GembaDB): Promise<void> {
  const handle = db ?? (await openStore());
  await handle.put("meta", value, key);
  notifyStoreChange("meta");
}

export async function deleteMeta(key: MetaKey, db?: GembaDB): Promise<void> {
  const handle = db ?? (await openStore());
  await handle.delete("meta", key);
  notifyStoreChange("meta");
}

/** The label token carried by a label URL (`…/a/{token}`, `…/p/{token}`, `…/b/{token}`). */
export function labelOf(data: Record<string, unknown>): string | undefined {
  if (typeof data.label_token === "string") return data.label_token;
  if (typeof data.label_url === "string") {
    const match = /\/[apb]\/([A-Za-z0-9_-]+)\/?$/.exec(data.label_url);
    return match?.[1];
  }
  return undefined;
}

/** Rows that carry a QR label, indexed by its token so a scan resolves offline. */
const LABELLED = new Set(["asset", "part", "bin"]);

export function entityRecord(type: string, data: Record<string, unknown> & { id: string }): EntityRecord {
  const label = LABELLED.has(type) ? labelOf(data) : undefined;
  return label ? { type, id: data.id, data, label } : { type, id: data.id, data };
}

export async function putEntities(
  type: string,
  rows: (Record<string, unknown> & { id: string })[],
  db?: GembaDB,
): Promise<void> {
  const handle = db ?? (await openStore());
  const tx = handle.transaction("entities", "readwrite");
  await Promise.all([...rows.map((row) => tx.store.put(entityRecord(type, row))), tx.done]);
  notifyStoreChange("entities");
}

export async function getEntity(type: string, id: string, db?: GembaDB): Promise<EntityRecord | undefined> {
  const handle = db ?? (await openStore());
  return handle.get("entities", [type, id]);
}

export async function listEntities(type: string, db?: GembaDB): Promise<EntityRecord[]> {
  const handle = db ?? (await openStore());
  return handle.getAllFromIndex("entities", "byType", type);
}

export async function entityByLabel(
  token: string,
  type: string = "asset",
  db?: GembaDB,
): Promise<EntityRecord | undefined> {
  const handle = db ?? (await openStore());
  const found = await handle.getAllFromIndex("entities", "byLabel", token);
  return found.find((r) => r.type === type);
}

export async function getCache<T>(key: string, db?: GembaDB): Promise<{ value: T; at: string } | undefined> {
  const handle = db ?? (await openStore());
  const record = await handle.get("cache", key);
  return record ? { value: record.value as T, at: record.at } : undefined;
}

export async function setCache(key: string, value: unknown, db?: GembaDB): Promise<void> {
  const handle = db ?? (await openStore());
  await handle.put("cache", { key, value, at: new Date().toISOString() });
  notifyStoreChange("cache");
}

export async function outboxCounts(db?: GembaDB): Promise<{ pending: number; rejected: number }> {
  const handle = db ?? (await openStore());
  const tx = handle.transaction("outbox");
  const [pending, rejected] = await Promise.all([
    tx.store.index("byState").count("pending"),
    tx.store.index("byState").count("rejected"),
  ]);
  return { pending, rejected };
}

export async function listOutbox(db?: GembaDB): Promise<OutboxRecord[]> {
  const handle = db ?? (await openStore());
  return handle.getAll("outbox");
}

/** Device-level settings that outlive a signed-in person. */
const DEVICE_KEYS: readonly MetaKey[] = ["ios_hint_dismissed", "storage", "line_id"];

/** Forget everything this device holds for a person (logout, or another person signing in). */
export async function clearAll(db?: GembaDB): Promise<void> {
  const handle = db ?? (await openStore());
  const tx = handle.transaction(["entities", "outbox", "meta", "photos", "cache"], "readwrite", {
    durability: "strict",
  });
  const meta = tx.objectStore("meta");
  const keys = await meta.getAllKeys();
  await Promise.all([
    tx.objectStore("entities").clear(),
    tx.objectStore("outbox").clear(),
    tx.objectStore("photos").clear(),
    tx.objectStore("cache").clear(),
    ...keys.filter((key) => !DEVICE_KEYS.includes(key)).map((key) => meta.delete(key)),
    tx.done,
  ]);
  notifyStoreChange("entities");
  notifyStoreChange("outbox");
  notifyStoreChange("meta");
  notifyStoreChange("photos");
}
