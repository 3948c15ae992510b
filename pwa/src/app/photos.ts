/**
 * Photos taken offline: compressed on the device (JPEG, longest side 1600 px), kept in IndexedDB
 * and uploaded through the attachments endpoint (multipart) when the server can be reached, before
 * each sync push, so a photo answering a checklist item arrives before the work order closes.
 * A failed upload is retried with backoff; one whose answer was lost is first looked up on the
 * server by its SHA-256, so it is not stored twice.
 */
import { notifyStoreChange } from "../db/events";
import { openStore } from "../db/store";
import type { PhotoRecord } from "../db/schema";
import { describeProblem, isProblem } from "../shared/api";
import { uuid7 } from "./ids";
import { session } from "./state";

export const MAX_SIDE = 1600;
const QUALITY = 0.8;
const MIN_RETRY_MS = 5_000;
const MAX_RETRY_MS = 10 * 60_000;
const KEEP_UPLOADED_MS = 14 * 24 * 3600_000;

export interface Compressed {
  blob: Blob;
  width: number;
  height: number;
}

async function decode(file: Blob): Promise<CanvasImageSource & { width: number; height: number }> {
  try {
    return await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      img.decoding = "async";
      img.src = url;
      await img.decode();
      return img;
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}

/** Scales the picture so its longest side is at most `maxSide` and encodes it as JPEG. */
export async function compress(file: Blob, maxSide = MAX_SIDE, quality = QUALITY): Promise<Compressed> {
  let image: CanvasImageSource & { width: number; height: number };
  try {
    image = await decode(file);
  } catch {
    throw new Error("This picture cannot be read on this device. Take it again with the camera.");
  }
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("This device cannot process pictures.");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.drawImage(image, 0, 0, width, height);
  if ("close" in image && typeof image.close === "function") image.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
  canvas.width = canvas.height = 0;
  if (!blob) throw new Error("The picture could not be compressed.");
  return { blob, width, height };
}

async function sha256(blob: Blob): Promise<string> {
  if (!crypto.subtle) return "";
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compresses and stores a photo for a work order (optionally answering a photo checklist item). */
export async function addPhoto(workOrderId: string, file: Blob, checklistItemId: string | null = null): Promise<PhotoRecord> {
  const { blob, width, height } = await compress(file);
  const id = uuid7();
  const record: PhotoRecord = {
    id,
    work_order_id: workOrderId,
    checklist_item_id: checklistItemId,
    blob,
    type: "image/jpeg",
    width,
    height,
    size: blob.size,
    sha256: await sha256(blob),
    filename: `photo-${id.slice(0, 13)}.jpg`,
    created_at: new Date().toISOString(),
    state: "queued",
    attempts: 0,
    next_attempt_at: null,
    last_error: null,
    attachment_id: null,
  };
  const db = await openStore();
  const tx = db.transaction("photos", "readwrite", { durability: "strict" });
  await Promise.all([tx.store.put(record), tx.done]);
  notifyStoreChange("photos");
  return record;
}

export async function photosOf(workOrderId: string): Promise<PhotoRecord[]> {
  const db = await openStore();
  const rows = await db.getAllFromIndex("photos", "byWorkOrder", workOrderId);
  return rows.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export async function photosNeedingAttention(): Promise<PhotoRecord[]> {
  const db = await openStore();
  return db.getAllFromIndex("photos", "byState", "failed");
}

async function save(record: PhotoRecord): Promise<void> {
  const db = await openStore();
  await db.put("photos", record);
  notifyStoreChange("photos");
}

export async function discardPhoto(id: string): Promise<void> {
  const db = await openStore();
  await db.delete("photos", id);
  notifyStoreChange("photos");
}

/** Try a failed photo again (after the reason was dealt with). */
export async function retryPhoto(id: string): Promise<void> {
  const db = await openStore();
  const record = await db.get("photos", id);
  if (record?.state === "failed") await save({ ...record, state: "queued", next_attempt_at: null, last_error: null });
}

function backoff(attempts: number): number {
  const base = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.5 + Math.random() / 2));
}

type Outcome = "uploaded" | "offline" | "later" | "failed";

interface AttachmentOut {
  id: string;
  sha256: string;
  checklist_item_id: string | null;
}

function headers(): Record<string, string> {
  const token = session.value?.token;
  return token ? { Authorization: `Bearer ${token}`, Accept: "application/json, application/problem+json" } : {};
}

/** An earlier attempt whose answer never came: the server may have the photo already. */
async function alreadyUploaded(record: PhotoRecord): Promise<AttachmentOut | null> {
  if (!record.sha256) return null;
  const response = await fetch(`/api/work-orders/${encodeURIComponent(record.work_order_id)}/attachments`, {
    headers: headers(),
    cache: "no-store",
    credentials: "omit",
  });
  if (!response.ok) return null;
  const rows = (await response.json()) as AttachmentOut[];
  return rows.find((a) => a.sha256 === record.sha256 && a.checklist_item_id === record.checklist_item_id) ?? null;
}

async function uploadOne(record: PhotoRecord): Promise<Outcome> {
  const uncertain = record.state === "uploading";
  try {
    if (uncertain) {
      const found = await alreadyUploaded(record);
      if (found) {
        await save({ ...record, state: "uploaded", attachment_id: found.id, last_error: null });
        return "uploaded";
      }
    }
  } catch {
    return "offline";
  }
  await save({ ...record, state: "uploading", attempts: record.attempts + 1 });
  const form = new FormData();
  form.append("file", new File([record.blob], record.filename, { type: record.type }));
  if (record.checklist_item_id) form.append("checklist_item_id", record.checklist_item_id);
  let response: Response;
  try {
    response = await fetch(`/api/work-orders/${encodeURIComponent(record.work_order_id)}/attachments`, {
      method: "POST",
      headers: headers(),
      body: form,
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    return "offline";
  }
  const body: unknown = await response.json().catch(() => null);
  const attempts = record.attempts + 1;
  if (response.ok) {
    const attachment = body as AttachmentOut;
    await save({ ...record, attempts, state: "uploaded", attachment_id: attachment.id, last_error: null, next_attempt_at: null });
    return "uploaded";
  }
  const reason = isProblem(body) ? describeProblem(body) : `The server answered ${response.status}.`;
  if (response.status >= 500 || response.status === 429 || response.status === 401 || response.status === 408) {
    const next = new Date(Date.now() + backoff(attempts)).toISOString();
    await save({ ...record, attempts, state: "queued", next_attempt_at: next, last_error: reason });
    return "later";
  }
  await save({ ...record, attempts, state: "failed", last_error: reason, next_attempt_at: null });
  return "failed";
}

let running: Promise<void> | null = null;

/** Uploads every photo that is due, oldest first; stops at the first sign of being offline. */
export function uploadPhotos(): Promise<void> {
  running ??= drain().finally(() => {
    running = null;
  });
  return running;
}

async function drain(): Promise<void> {
  if (!session.value?.token || !navigator.onLine) return;
  const db = await openStore();
  const due = [
    ...(await db.getAllFromIndex("photos", "byState", "uploading")),
    ...(await db.getAllFromIndex("photos", "byState", "queued")),
  ]
    .filter((r) => !r.next_attempt_at || Date.parse(r.next_attempt_at) <= Date.now())
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  for (const record of due) {
    if ((await uploadOne(record)) === "offline") return;
  }
  await forgetOldUploads();
}

async function forgetOldUploads(): Promise<void> {
  const db = await openStore();
  const cutoff = Date.now() - KEEP_UPLOADED_MS;
  for (const record of await db.getAllFromIndex("photos", "byState", "uploaded")) {
    if (Date.parse(record.created_at) < cutoff) await db.delete("photos", record.id);
  }
}
