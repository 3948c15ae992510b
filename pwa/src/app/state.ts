/** App-wide reactive state: who is signed in, connectivity, sync progress, app updates. */
import { computed, signal } from "@preact/signals";

import type { PushStatus, Session, StorageStatus } from "../db/schema";

export const session = signal<Session | null>(null);
/** Set when the server stopped accepting this device's token (revoked or user disabled). */
export const signedOutReason = signal<string | null>(null);
export const ready = signal(false);

export const browserOnline = signal(typeof navigator === "undefined" ? true : navigator.onLine);
/** False after a request failed at the network level, until the next one succeeds. */
export const serverReachable = signal(true);
export const connection = computed<"online" | "offline" | "unreachable">(() =>
  !browserOnline.value ? "offline" : serverReachable.value ? "online" : "unreachable",
);

export const pendingCount = signal(0);
export const rejectedCount = signal(0);
export const conflictCount = signal(0);
/** Photos the server refused (shown in the inbox). */
export const photoFailures = signal(0);
/** Photos waiting to upload (counted with the changes not yet synced). */
export const photosWaiting = signal(0);
export const lastSyncAt = signal<string | null>(null);
export const syncing = signal(false);
export const syncError = signal<string | null>(null);

export const storageStatus = signal<StorageStatus | null>(null);
export const pushStatus = signal<PushStatus | null>(null);

export const updateReady = signal(false);
/** The server needs a newer app before this device may sync again. */
export const updateRequired = signal<string | null>(null);
/** Ticks every 30 s so relative times ("2 min ago") stay current. */
export const now = signal(Date.now());
