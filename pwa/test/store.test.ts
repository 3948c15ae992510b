import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import {
  clearAll,
  entityByLabel,
  getCache,
  getEntity,
  getMeta,
  listEntities,
  openStore,
  outboxCounts,
  putEntities,
  setCache,
  setMeta,
} from "../src/db/store";
import { SyncStore } from "../src/sync/store";

let counter = 0;
const freshStore = () => openStore(`gemba-test-${++counter}`);

describe("local store", () => {
  it("creates the entity, outbox, meta, photo and cache stores", async () => {
    const db = await freshStore();
    expect([...db.objectStoreNames].sort()).toEqual(["cache", "entities", "meta", "outbox", "photos"]);
  });

  it("finds an asset by the token of its label", async () => {
    const db = await freshStore();
    await putEntities(
      "asset",
      [{ id: "a1", code: "N-CNC-01", label_url: "http://127.0.0.1:8000/a/q3V9x_Yb-2lTnR0aKc8mWp1Z" }],
      db,
    );
    expect((await entityByLabel("q3V9x_Yb-2lTnR0aKc8mWp1Z", "asset", db))?.id).toBe("a1");
    expect((await getEntity("asset", "a1", db))?.data.code).toBe("N-CNC-01");
    expect(await listEntities("work_order", db)).toEqual([]);
  });

  it("finds parts and bins by their label tokens, apart from assets", async () => {
    const db = await freshStore();
    await putEntities("part", [{ id: "p1", number: "BRG-6205", label_url: "http://h/p/PartToken_123" }], db);
    await putEntities("bin", [{ id: "b1", code: "A-01", label_url: "http://h/b/BinToken_456" }], db);
    expect((await entityByLabel("PartToken_123", "part", db))?.id).toBe("p1");
    expect((await entityByLabel("BinToken_456", "bin", db))?.id).toBe("b1");
    expect(await entityByLabel("PartToken_123", "asset", db)).toBeUndefined();
  });

  it("counts pending and refused outbox entries separately", async () => {
    const db = await freshStore();
    const base = { name: "workorder.start", version: 1, args: {}, effects: [], created_at: "2026-01-01T00:00:00Z", attempts: 0 };
    await db.put("outbox", { ...base, id: 1, state: "pending" });
    await db.put("outbox", { ...base, id: 2, state: "pending" });
    await db.put("outbox", { ...base, id: 3, state: "rejected", result: { id: 3, status: "rejected", reason: "closed already" } });
    expect(await outboxCounts(db)).toEqual({ pending: 2, rejected: 1 });
  });

  it("forgets the person's data on sign-out but keeps device settings", async () => {
    const db = await freshStore();
    await putEntities("asset", [{ id: "a1" }], db);
    await setMeta("ios_hint_dismissed", true, db);
    await setMeta("next_mutation_id", 7, db);
    await setMeta("line_id", "line-1", db);
    await setMeta("timer", { work_order_id: "wo", started_at: "2026-01-01T00:00:00Z", user_id: "u" }, db);
    await setCache("stock:site", [{ part_id: "p" }], db);
    await clearAll(db);
    expect(await listEntities("asset", db)).toEqual([]);
    expect(await getMeta("ios_hint_dismissed", db)).toBe(true);
    expect(await getMeta("line_id", db)).toBe("line-1");
    expect(await getMeta("next_mutation_id", db)).toBeUndefined();
    expect(await getMeta("timer", db)).toBeUndefined();
    expect(await getCache("stock:site", db)).toBeUndefined();
  });

  it("records a mutation and the device state that goes with it in one transaction", async () => {
    const db = await freshStore();
    await setMeta("timer", { work_order_id: "wo", started_at: "2026-01-01T00:00:00Z", user_id: "u" }, db);
    const store = new SyncStore(Promise.resolve(db));
    const record = await store.enqueue({
      name: "workorder.labor_add",
      version: 1,
      args: { id: "l1", work_order_id: "wo" },
      meta: { remove: ["timer"] },
    });
    expect(record.id).toBe(1);
    expect(await getMeta("timer", db)).toBeUndefined();
    expect((await db.get("outbox", 1))?.name).toBe("workorder.labor_add");
    expect("meta" in (await db.get("outbox", 1))!).toBe(false);
  });
});
