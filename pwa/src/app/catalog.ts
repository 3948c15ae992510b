/**
 * Reference lists read from the REST API and kept on the device for offline work: failure codes
 * per asset class, parts, bins and their stock, downtime reasons. Each is refreshed while online
 * and read from the local cache otherwise (with the time it was read).
 */
import { getCache, setCache } from "../db/store";
import { ENTITY } from "../shared/mutations";
import { readRows } from "../sync/view";
import { api, NetworkError } from "./api";

export interface FailureCode {
  id: string;
  site_id: string;
  asset_class: string;
  kind: "problem" | "cause" | "remedy";
  code: string;
  name: string;
  active: boolean;
}

export interface Part {
  id: string;
  site_id: string;
  number: string;
  name: string;
  unit: string;
  critical: boolean;
  active: boolean;
  label_url: string;
}

export interface Bin {
  id: string;
  site_id: string;
  storeroom_id: string;
  code: string;
  description: string | null;
  active: boolean;
  label_url: string;
}

export interface Storeroom {
  id: string;
  site_id: string;
  code: string;
  name: string;
  active: boolean;
}

export interface StockLine {
  part_id: string;
  part_number: string;
  part_name: string;
  unit: string;
  bin_id: string;
  bin_code: string;
  storeroom_id: string;
  on_hand: number;
  reserved: number;
  available: number;
}

export interface DowntimeReason {
  id: string;
  site_id: string;
  code: string;
  label: string;
  category: string;
  parent_id: string | null;
}

export interface Cached<T> {
  value: T;
  at: string | null;
}

/** Reads from the API and caches; falls back to the cache when the request does not get through. */
export async function cachedList<T>(key: string, load: () => Promise<T>, fresh = true): Promise<Cached<T> | null> {
  if (fresh) {
    try {
      const value = await load();
      await setCache(key, value);
      return { value, at: new Date().toISOString() };
    } catch (error) {
      if (!(error instanceof NetworkError)) {
        const stored = await getCache<T>(key);
        if (stored) return stored;
        throw error;
      }
    }
  }
  return (await getCache<T>(key)) ?? null;
}

const q = encodeURIComponent;

export const lists = {
  failureCodes: (siteId: string, fresh = false) =>
    cachedList(`failure_codes:${siteId}`, () => api<FailureCode[]>(`/api/failure-codes/?site_id=${q(siteId)}`), fresh),
  parts: (siteId: string, fresh = false) =>
    cachedList(`parts:${siteId}`, () => api<Part[]>(`/api/inventory/parts/?site_id=${q(siteId)}&limit=1000`), fresh),
  stock: (siteId: string, fresh = false) =>
    cachedList(`stock:${siteId}`, () => api<StockLine[]>(`/api/inventory/stock?site_id=${q(siteId)}`), fresh),
  bins: (siteId: string, fresh = false) =>
    cachedList(
      `bins:${siteId}`,
      async () => {
        const rooms = await api<Storeroom[]>(`/api/inventory/storerooms/?site_id=${q(siteId)}`);
        const bins = await Promise.all(rooms.map((r) => api<Bin[]>(`/api/inventory/storerooms/${q(r.id)}/bins`)));
        return bins.flat();
      },
      fresh,
    ),
  downtimeReasons: (siteId: string, fresh = false) =>
    cachedList(`downtime_reasons:${siteId}`, () => api<DowntimeReason[]>(`/api/downtime/reasons?site_id=${q(siteId)}`), fresh),
};

/** Rows of a replicated reference list for a site, or null when sync has not brought any. */
async function replicatedList<T>(entity: string, siteId: string): Promise<Cached<T[]> | null> {
  const rows = (await readRows(entity)).filter((r) => r.data.site_id === siteId);
  return rows.length ? { value: rows.map((r) => ({ ...r.data, id: r.id }) as T), at: null } : null;
}

/** Failure codes of a site: replicated ones when sync carries them, else the list read last. */
export async function failureCodesOf(siteId: string, fresh: boolean): Promise<Cached<FailureCode[]> | null> {
  return (await replicatedList<FailureCode>(ENTITY.failureCode, siteId)) ?? lists.failureCodes(siteId, fresh);
}

/** The downtime reason tree of a site, the same way. */
export async function downtimeReasonsOf(siteId: string, fresh: boolean): Promise<Cached<DowntimeReason[]> | null> {
  const found =
    (await replicatedList<DowntimeReason & { active?: boolean }>(ENTITY.downtimeReason, siteId)) ??
    (await lists.downtimeReasons(siteId, fresh));
  return found ? { ...found, value: found.value.filter((r) => (r as { active?: boolean }).active !== false) } : null;
}

/** The codes that fit an asset class: its own and those for every class ("*"). */
export function codesFor(codes: FailureCode[], assetClass: string | null, kind: FailureCode["kind"]): FailureCode[] {
  return codes
    .filter((c) => c.kind === kind && c.active && (c.asset_class === "*" || c.asset_class === assetClass))
    .sort((a, b) => (a.asset_class === "*" ? 1 : 0) - (b.asset_class === "*" ? 1 : 0) || a.code.localeCompare(b.code));
}

/** Refreshes every list of the person's sites for offline use; failures leave the old copies. */
export async function refreshLists(siteIds: string[]): Promise<void> {
  await Promise.all(
    siteIds.flatMap((site) =>
      Object.values(lists).map((load) => load(site, true).catch(() => null)),
    ),
  );
}
