import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import {
  clearAll,
  entityByLabel,
  getEntity,
  getMeta,
  listEntities,
  openStore,
  outboxCounts,
  putEntities,
  setMeta,
} from "../src/db/store";

let counter = 0;
const freshStore = () => openStore(`gemba-test-${++counter}`);

describe("local store", () => {
  it("creates the entity, outbox and meta stores", async () => {
    const db = await freshStore();
    expect([...db.objectStoreNames].sort()).toEqual(["entities", "meta", "outbox"]);
  });

  it("finds an asset by the token of its label", async () => {
    const db = await freshStore();
    await putEntities(
      "asset",
      [{ id: "a1", code: "N-CNC-01", label_url: "http://127.0.0.1:8000/a/q3V9x_Yb-2lTnR0aKc8mWp1Z" }],
      db,
    );
    expect((await entityByLabel("q3V9x_Yb-2lTnR0aKc8mWp1Z", db))?.id).toBe("a1");
    expect((await getEntity("asset", "a1", db))?.data.code).toBe("N-CNC-01");
    expect(await listEntities("work_order", db)).toEqual([]);
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
    await clearAll(db);
    expect(await listEntities("asset", db)).toEqual([]);
    expect(await getMeta("ios_hint_dismissed", db)).toBe(true);
    expect(await getMeta("next_mutation_id", db)).toBeUndefined();
  });
});
