/** Runs the sync client while someone is signed in, and lets screens record changes. */
import { effect } from "@preact/signals";

import type { OutboxRecord } from "../db/schema";
import { SyncEngine, type RoundResult } from "../sync/engine";
import { httpTransport } from "../sync/http";
import { listenForNudges } from "../sync/nudge";
import { SyncScheduler } from "../sync/scheduler";
import { SyncStore, type NewMutation } from "../sync/store";
import { refreshLists } from "./catalog";
import { uploadPhotos } from "./photos";
import { expireSession } from "./session";
import { browserOnline, session, syncError, syncing } from "./state";
import { fetchWorkOrder, refreshMyWork, replicated } from "./workorders";

const store = new SyncStore();
let scheduler: SyncScheduler | null = null;

export function syncStore(): SyncStore {
  return store;
}

/** Records a change (mutation + local effect, one transaction) and asks for a sync. */
export async function mutate(mutation: NewMutation): Promise<OutboxRecord> {
  const record = await store.enqueue(mutation);
  scheduler?.request();
  return record;
}

export function requestSync(): void {
  scheduler?.request();
}

function onResult(result: RoundResult): void {
  syncing.value = false;
  if (result.kind === "done") syncError.value = null;
  else if (result.kind === "offline") syncError.value = null;
  else syncError.value = result.message;
}

/** Starts syncing for the signed-in device and stops when it signs out. */
export function startSync(): void {
  const wake = () => scheduler?.request();
  addEventListener("online", wake);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") wake();
  });
  let stopNudges: (() => void) | null = null;
  effect(() => {
    const current = session.value;
    scheduler?.stop();
    scheduler = null;
    stopNudges?.();
    stopNudges = null;
    if (!current) return;
    const engine = new SyncEngine(store, httpTransport(() => session.value?.token ?? null), current.device_id, {
      onUnauthorized: () => void expireSession(),
    });
    // Photos go first, so that one answering a checklist item is there before the work order closes.
    const runner = {
      round: async (): Promise<RoundResult> => {
        await uploadPhotos().catch(() => undefined);
        return engine.round();
      },
    };
    scheduler = new SyncScheduler(runner, {
      onStart: () => {
        syncing.value = true;
      },
      onResult,
    });
    stopNudges = listenForNudges(() => session.value?.token ?? null, wake, {
      onUnauthorized: () => void expireSession(),
    });
    const started = scheduler;
    // A refusal for an old app is re-checked once per app start: this may be the updated one.
    void store.updateSync({ update_required: null }).then(() => started.request());
    void prepareOffline(true);
  });
  effect(() => {
    if (browserOnline.value) {
      wake();
      void prepareOffline();
    }
  });
}

const PREPARE_EVERY_MS = 5 * 60_000;
let prepared = 0;
let preparing: Promise<void> | null = null;

/**
 * Until the first sync has revealed a replica, reads what offline work needs while the server can
 * be reached: the person's work orders with their details, and the reference lists (failure
 * codes, parts, bins, stock, downtime reasons).
 */
export function prepareOffline(force = false): Promise<void> {
  const current = session.value;
  if (!current || (!force && Date.now() - prepared < PREPARE_EVERY_MS)) return preparing ?? Promise.resolve();
  preparing ??= prepare(current.sites.map((s) => s.id)).finally(() => {
    preparing = null;
  });
  return preparing;
}

async function prepare(siteIds: string[]): Promise<void> {
  try {
    // Once a replica is revealed, sync brings all of it; the REST copies are only a stopgap.
    if (!(await replicated())) {
      const work = await refreshMyWork();
      await Promise.all([refreshLists(siteIds), ...work.map((w) => fetchWorkOrder(w.id).catch(() => undefined))]);
    }
    prepared = Date.now();
  } catch {
    // offline or refused: the copies already on the device stay
  }
}
