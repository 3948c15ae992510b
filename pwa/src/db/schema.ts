/** The IndexedDB layout. Bump DB_VERSION and add a step to `upgrade` for every change; never edit a step. */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from "idb";

import type { LoginResponse, Site, User } from "../shared/api";

export const DB_NAME = "gemba";
export const DB_VERSION = 2;

/** A server record replicated to this device (assets, work orders, conflicts …). */
export interface EntityRecord {
  type: string;
  id: string;
  data: Record<string, unknown>;
  version?: number;
  /** The QR label token, for assets: lets a scanned label resolve offline. */
  label?: string;
}

/**
 * `pending`: no result from the server yet (pushed until it has one; its effect is laid over the
 * revealed rows until a pull confirms it). `applied` / `unknown` (a duplicate whose stored result
 * expired): done, kept until a revealed pull includes it. `rejected`: refused, with the reason,
 * shown in the inbox until dismissed.
 */
export type OutboxState = "pending" | "applied" | "unknown" | "rejected";

/** The server's answer for one mutation, as it came (the first one is kept). */
export interface StoredResult {
  id: number;
  status: "applied" | "rejected" | "duplicate";
  code?: string | null;
  reason?: string | null;
  original?: "applied" | "rejected" | null;
}

/** The local effect of a mutation on the rows this device shows, laid over the server's rows. */
export type Effect =
  | { op: "put"; entity: string; id: string; data: Record<string, unknown> }
  | { op: "patch"; entity: string; id: string; fields: Record<string, unknown> }
  | { op: "del"; entity: string; id: string };

/** A mutation queued on this device, numbered 1, 2, 3 … per device, with its local effect. */
export interface OutboxRecord {
  id: number;
  name: string;
  version: number;
  args: unknown;
  effects: Effect[];
  created_at: string;
  state: OutboxState;
  /** What the person sees in the inbox: a short summary of the change. */
  summary?: string;
  result?: StoredResult;
  attempts: number;
}

export interface Session {
  token: string;
  device_id: string;
  user: User;
  sites: Site[];
  logged_in_at: string;
}

export interface SyncMeta {
  /** The revealed pull position (opaque), and the device's last mutation the server had applied then. */
  cursor: string | null;
  last_mutation_id: number;
  last_sync_at: string | null;
  last_error: string | null;
  /** Set when the server needs a newer app (426): sync stops until the app is updated. */
  update_required?: string | null;
  /** Set after a 410: once mutations up to this id have results, pull again from the start. */
  reset_after?: number | null;
  /** Set when the server expects a mutation this device already has a result for (a restore). */
  lost_work?: string | null;
}

export type PushStatus =
  | { state: "subscribed"; at: string }
  | { state: "denied" | "unsupported" | "unavailable" | "failed" | "default"; detail: string };

export interface StorageStatus {
  persisted: boolean;
  asked_at: string;
  quota?: number;
  usage?: number;
}

/** A labor timer running on this device: only its start is stored; stopping it records the labor. */
export interface RunningTimer {
  work_order_id: string;
  started_at: string;
  user_id: string;
}

/**
 * A photo taken on this device, compressed, kept until the server has it. `queued`: waiting for a
 * connection; `uploading`: a request is (or was, when the app stopped) in flight, so its outcome
 * is unknown; `uploaded`: the server stored it as `attachment_id`; `failed`: refused for good.
 */
export type PhotoState = "queued" | "uploading" | "uploaded" | "failed";

export interface PhotoRecord {
  id: string;
  work_order_id: string;
  checklist_item_id: string | null;
  blob: Blob;
  type: string;
  width: number;
  height: number;
  size: number;
  sha256: string;
  filename: string;
  created_at: string;
  state: PhotoState;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  attachment_id: string | null;
}

/** A reference list read from the REST API (failure codes, reasons, stock …), kept for offline use. */
export interface CacheRecord {
  key: string;
  at: string;
  value: unknown;
}

/** The meta store: one value per well-known key. */
export interface MetaValues {
  session: Session;
  sync: SyncMeta;
  push: PushStatus;
  storage: StorageStatus;
  ios_hint_dismissed: boolean;
  next_mutation_id: number;
  timer: RunningTimer;
  /** The production line this device (an operator tablet) stands at. */
  line_id: string;
}

export type MetaKey = keyof MetaValues;

export interface GembaSchema extends DBSchema {
  entities: {
    key: [string, string];
    value: EntityRecord;
    indexes: { byType: string; byLabel: string };
  };
  outbox: {
    key: number;
    value: OutboxRecord;
    indexes: { byState: OutboxState };
  };
  meta: {
    key: MetaKey;
    value: MetaValues[MetaKey];
  };
  photos: {
    key: string;
    value: PhotoRecord;
    indexes: { byState: PhotoState; byWorkOrder: string };
  };
  cache: {
    key: string;
    value: CacheRecord;
  };
}

export type GembaDB = IDBPDatabase<GembaSchema>;

export function upgrade(
  db: GembaDB,
  oldVersion: number,
  _newVersion: number | null,
  _tx: IDBPTransaction<GembaSchema, StoreNames<GembaSchema>[], "versionchange">,
): void {
  if (oldVersion < 1) {
    const entities = db.createObjectStore("entities", { keyPath: ["type", "id"] });
    entities.createIndex("byType", "type");
    entities.createIndex("byLabel", "label", { unique: false });
    const outbox = db.createObjectStore("outbox", { keyPath: "id" });
    outbox.createIndex("byState", "state");
    db.createObjectStore("meta");
  }
  if (oldVersion < 2) {
    const photos = db.createObjectStore("photos", { keyPath: "id" });
    photos.createIndex("byState", "state");
    photos.createIndex("byWorkOrder", "work_order_id");
    db.createObjectStore("cache", { keyPath: "key" });
  }
}

export type { LoginResponse };
