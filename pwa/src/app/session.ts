/** Signing this device in and out, and what the app loads from the local store at start. */
import { clearAll, getMeta, listOutbox, openStore, setMeta } from "../db/store";
import { onStoreChange } from "../db/events";
import type { Session, StorageStatus } from "../db/schema";
import type { LoginResponse } from "../shared/api";
import { deviceKind, deviceName } from "../shared/device";
import { SyncStore, needsAttention } from "../sync/store";
import { readRows } from "../sync/view";
import { api, setUnauthorizedHandler } from "./api";
import {
  conflictCount,
  lastSyncAt,
  pendingCount,
  photoFailures,
  photosWaiting,
  pushStatus,
  ready,
  rejectedCount,
  session,
  signedOutReason,
  storageStatus,
  syncError,
  updateRequired,
} from "./state";

export function suggestedDeviceName(): string {
  return deviceName(navigator.userAgent);
}

export function currentDeviceKind(): ReturnType<typeof deviceKind> {
  return deviceKind(innerWidth, innerHeight, navigator.maxTouchPoints > 0);
}

export async function restore(): Promise<void> {
  await openStore();
  const stored = await getMeta("session");
  session.value = stored?.token ? stored : null;
  if (stored && !stored.token) signedOutReason.value = SIGNED_OUT;
  await refreshFromStore();
  onStoreChange((topic) => topic !== "cache" && void refreshFromStore());
  setUnauthorizedHandler(() => void expireSession());
  ready.value = true;
}

async function refreshFromStore(): Promise<void> {
  const [outbox, conflicts, photos, sync, storage, push, stored] = await Promise.all([
    listOutbox(),
    readRows("conflict"),
    openStore().then((db) =>
      Promise.all(
        (["failed", "queued", "uploading"] as const).map((state) => db.countFromIndex("photos", "byState", state)),
      ),
    ),
    getMeta("sync"),
    getMeta("storage"),
    getMeta("push"),
    getMeta("session"),
  ]);
  pendingCount.value = outbox.filter((r) => r.state === "pending").length;
  rejectedCount.value = outbox.filter(needsAttention).length;
  conflictCount.value = conflicts.filter((c) => c.data.status === "open").length;
  const [failedPhotos = 0, queuedPhotos = 0, uploadingPhotos = 0] = photos;
  photoFailures.value = failedPhotos;
  photosWaiting.value = queuedPhotos + uploadingPhotos;
  lastSyncAt.value = sync?.last_sync_at ?? null;
  syncError.value = sync?.last_error ?? null;
  updateRequired.value = sync?.update_required ?? null;
  storageStatus.value = storage ?? null;
  pushStatus.value = push ?? null;
  const token = stored?.token || null;
  if (token !== (session.value?.token ?? null)) session.value = token ? (stored ?? null) : null;
}

export async function login(username: string, password: string, name: string): Promise<Session> {
  const answer = await api<LoginResponse>("/api/auth/login", {
    method: "POST",
    auth: false,
    body: { username, password, device_name: name || suggestedDeviceName(), device_kind: currentDeviceKind() },
  });
  const previous = await getMeta("session");
  if (previous && previous.user.id !== answer.user.id) await clearAll();
  else if (previous && previous.device_id !== answer.device_id) await new SyncStore().startNewClient();
  const next: Session = { ...answer, logged_in_at: new Date().toISOString() };
  await setMeta("session", next);
  signedOutReason.value = null;
  session.value = next;
  await requestPersistence();
  return next;
}

/** Signs out on the server (revoking this device) and forgets the person's data here. */
export async function logout(): Promise<void> {
  try {
    await api<void>("/api/auth/logout", { method: "POST" });
  } catch {
    // offline or already revoked: the local sign-out still happens
  }
  await clearAll();
  session.value = null;
}

const SIGNED_OUT =
  "This device was signed out (revoked in the device list, or the account was disabled). Sign in again; changes not yet sent are kept.";

/**
 * The server no longer accepts this device's token: ask the person to sign in again. The data
 * stays (a new sign-in of the same person continues with it), only the token is forgotten.
 */
export async function expireSession(): Promise<void> {
  const current = session.value;
  if (!current) return;
  signedOutReason.value = SIGNED_OUT;
  session.value = null;
  await setMeta("session", { ...current, token: "" });
}

export async function requestPersistence(): Promise<StorageStatus> {
  let persisted = false;
  try {
    persisted = (await navigator.storage?.persisted?.()) ?? false;
    if (!persisted) persisted = (await navigator.storage?.persist?.()) ?? false;
  } catch {
    persisted = false;
  }
  const status: StorageStatus = { persisted, asked_at: new Date().toISOString() };
  try {
    const estimate = await navigator.storage?.estimate?.();
    if (estimate?.quota !== undefined) status.quota = estimate.quota;
    if (estimate?.usage !== undefined) status.usage = estimate.usage;
  } catch {
    // estimate is informative only
  }
  await setMeta("storage", status);
  storageStatus.value = status;
  return status;
}
