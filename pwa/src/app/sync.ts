/** Runs the sync client while someone is signed in, and lets screens record changes. */
import { effect } from "@preact/signals";

import type { OutboxRecord } from "../db/schema";
import { SyncEngine, type RoundResult } from "../sync/engine";
import { httpTransport } from "../sync/http";
import { listenForNudges } from "../sync/nudge";
import { SyncScheduler } from "../sync/scheduler";
import { SyncStore, type NewMutation } from "../sync/store";
import { expireSession } from "./session";
import { browserOnline, session, syncError, syncing } from "./state";

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
    scheduler = new SyncScheduler(engine, {
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
  });
  effect(() => {
    if (browserOnline.value) wake();
  });
}
