import { ago } from "../../shared/time";
import { connection, lastSyncAt, now, pendingCount, photosWaiting, syncing } from "../state";

const LABELS = { online: "Online", offline: "Offline", unreachable: "Server unreachable" } as const;

/** Always visible: connection, changes not yet synced, last sync time. */
export function StatusBar() {
  const state = connection.value;
  const pending = pendingCount.value;
  const last = lastSyncAt.value;
  return (
    <div class={`statusbar statusbar--${state}`} role="status" aria-live="polite" data-testid="status-bar">
      <span class="statusbar__item" data-testid="connection">
        <span class="dot" aria-hidden="true" />
        {LABELS[state]}
      </span>
      <span class="statusbar__item" data-testid="pending">
        {pending === 0 ? "All changes synced" : `${pending} change${pending === 1 ? "" : "s"} not synced`}
      </span>
      {photosWaiting.value > 0 && (
        <span class="statusbar__item" data-testid="photos-waiting">
          {photosWaiting.value} photo{photosWaiting.value === 1 ? "" : "s"} to upload
        </span>
      )}
      <span class="statusbar__item" data-testid="last-sync">
        {syncing.value ? "Syncing…" : `Last sync: ${ago(last, now.value)}`}
      </span>
    </div>
  );
}
