/**
 * Parts and bins for a work order: scanned labels resolved online (`/api/inventory/by-label`) or
 * from the lists kept on the device, and stock as last read with this device's queued issues and
 * returns taken into account until a sync confirms them.
 */
import { entityByLabel, getCache, labelOf, listOutbox, openStore, setCache } from "../db/store";
import type { OutboxRecord, SyncMeta } from "../db/schema";
import { ENTITY, MUTATIONS, type StockMoveArgs } from "../shared/mutations";
import { overlays, readRows } from "../sync/view";
import { api, ApiError, NetworkError } from "./api";
import { lists, type Bin, type Part, type StockLine } from "./catalog";

export interface LabelTarget {
  kind: "part" | "bin";
  part: Part | null;
  bin: Bin | null;
  stock: StockLine[];
  /** False when resolved from what the device holds (offline). */
  fresh: boolean;
}

export interface PendingMove extends StockMoveArgs {
  kind: "issue" | "return";
  outbox_id: number;
}

const ISSUE = MUTATIONS.issue.mutationName;
const RETURN = MUTATIONS.giveBack.mutationName;

/** Issues and returns of this device the stock shown does not include yet. */
export async function pendingMoves(): Promise<PendingMove[]> {
  const db = await openStore();
  const [outbox, sync] = await Promise.all([listOutbox(db), db.get("meta", "sync") as Promise<SyncMeta | undefined>]);
  return overlays(outbox, sync?.last_mutation_id ?? 0)
    .filter((r: OutboxRecord) => r.name === ISSUE || r.name === RETURN)
    .map((r) => ({ ...(r.args as StockMoveArgs), kind: r.name === ISSUE ? "issue" : "return", outbox_id: r.id }));
}

/** Stock of each (part, bin) from the replica, named from the part and bin rows it points at. */
async function replicatedStock(siteId: string): Promise<StockLine[] | null> {
  const [balances, parts, bins] = await Promise.all([
    readRows(ENTITY.stockBalance),
    readRows(ENTITY.part),
    readRows(ENTITY.bin),
  ]);
  if (balances.length === 0) return null;
  const part = new Map(parts.map((r) => [r.id, r.data]));
  const bin = new Map(bins.map((r) => [r.id, r.data]));
  const lines: StockLine[] = [];
  for (const row of balances) {
    const d = row.data;
    if (d.site_id !== siteId) continue;
    const p = part.get(String(d.part_id));
    const b = bin.get(String(d.bin_id));
    if (!p || !b || p.active === false) continue;
    const onHand = Number(d.on_hand ?? 0);
    const reserved = Number(d.reserved ?? 0);
    lines.push({
      part_id: String(d.part_id),
      part_number: String(p.number),
      part_name: String(p.name),
      unit: String(p.unit),
      bin_id: String(d.bin_id),
      bin_code: String(b.code),
      storeroom_id: String(d.storeroom_id),
      on_hand: onHand,
      reserved,
      available: typeof d.available === "number" ? d.available : onHand - reserved,
    });
  }
  return lines.sort((a, b) => a.part_number.localeCompare(b.part_number) || a.bin_code.localeCompare(b.bin_code));
}

/** Stock lines with queued moves applied: replicated balances when sync provides them, else the list read last. */
export async function stockLines(siteId: string): Promise<StockLine[]> {
  const base = (await replicatedStock(siteId)) ?? (await lists.stock(siteId))?.value ?? [];
  const moves = await pendingMoves();
  return base.map((line) => {
    const delta = moves
      .filter((m) => m.part_id === line.part_id && m.bin_id === line.bin_id)
      .reduce((sum, m) => sum + (m.kind === "issue" ? -m.quantity : m.quantity), 0);
    if (delta === 0) return line;
    const round = (n: number) => Math.round(n * 1e6) / 1e6;
    return { ...line, on_hand: round(line.on_hand + delta), available: round(line.available + delta) };
  });
}

function byToken<T extends { label_url?: string; label_token?: string }>(rows: T[], token: string): T | undefined {
  return rows.find((row) => labelOf(row as unknown as Record<string, unknown>) === token);
}

/** A part or bin label from what the device holds: the replica first, else the lists read last. */
async function labelOffline(kind: "part" | "bin", token: string, siteIds: string[]): Promise<LabelTarget | null> {
  const row = await entityByLabel(token, kind === "part" ? ENTITY.part : ENTITY.bin);
  if (row) {
    const site = String(row.data.site_id);
    const stock = (await stockLines(site)).filter((l) => (kind === "part" ? l.part_id === row.id : l.bin_id === row.id));
    const data = { ...row.data, id: row.id };
    return kind === "part"
      ? { kind, part: data as unknown as Part, bin: null, stock, fresh: false }
      : { kind, part: null, bin: data as unknown as Bin, stock, fresh: false };
  }
  for (const site of siteIds) {
    if (kind === "part") {
      const part = byToken((await lists.parts(site))?.value ?? [], token);
      if (!part) continue;
      const stock = (await stockLines(site)).filter((l) => l.part_id === part.id);
      return { kind, part, bin: null, stock, fresh: false };
    }
    const bin = byToken((await lists.bins(site))?.value ?? [], token);
    if (!bin) continue;
    const stock = (await stockLines(site)).filter((l) => l.bin_id === bin.id);
    return { kind, part: null, bin, stock, fresh: false };
  }
  const remembered = await getCache<Omit<LabelTarget, "fresh">>(`label:${token}`);
  return remembered ? { ...remembered.value, fresh: false } : null;
}

/** What a part or bin label points at, with the stock there. */
export async function resolveLabel(kind: "part" | "bin", token: string, siteIds: string[]): Promise<LabelTarget | null> {
  try {
    const found = await api<Omit<LabelTarget, "fresh">>(`/api/inventory/by-label/${encodeURIComponent(token)}`);
    await setCache(`label:${token}`, found);
    const site = found.part?.site_id ?? found.bin?.site_id;
    const stock = site ? await stockLines(site) : [];
    const mine = stock.filter((l) => (found.kind === "part" ? l.part_id === found.part?.id : l.bin_id === found.bin?.id));
    return { ...found, stock: mine.length ? mine : found.stock, fresh: true };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    if (!(error instanceof NetworkError)) throw error;
  }
  return labelOffline(kind, token, siteIds);
}

export interface PartUsage {
  part_id: string;
  part_number: string;
  part_name: string;
  unit: string;
  issued: number;
  returned: number;
  net_quantity: number;
}

/** Parts used on a work order as the server last said (refreshed while online). */
export async function partsUsed(workOrderId: string, fresh: boolean): Promise<PartUsage[] | null> {
  const key = `wo_parts:${workOrderId}`;
  if (fresh) {
    try {
      const answer = await api<{ parts: PartUsage[] }>(`/api/inventory/work-orders/${encodeURIComponent(workOrderId)}/parts`);
      await setCache(key, answer.parts);
      return answer.parts;
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
    }
  }
  return (await getCache<PartUsage[]>(key))?.value ?? null;
}
