import { useState } from "preact/hooks";

import type { RunningTimer } from "../../../db/schema";
import { dateTime } from "../../../shared/time";
import { LABOR_STATES, duration } from "../../../shared/workorder";
import { errorText } from "../../api";
import { addLabor, startTimer, stopTimer } from "../../execution";
import { useTick } from "../../hooks";
import { session } from "../../state";
import type { LaborData, WorkOrderData } from "../../workorders";
import { Notice } from "../Screen";

/** The labor timer (its start is kept on the device, so it survives a reload) and logged time. */
export function Labor({
  order,
  entries,
  timer,
  editable,
}: {
  order: WorkOrderData;
  entries: LaborData[];
  timer: RunningTimer | undefined;
  editable: boolean;
}) {
  const mine = timer?.work_order_id === order.id;
  const now = useTick(1000, mine);
  const [minutes, setMinutes] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canLog = editable && LABOR_STATES.has(order.status);
  const running = editable && order.status === "in_progress";
  const total = entries.reduce((sum, e) => sum + (e.minutes ?? 0), 0);
  const userId = session.value?.user.id;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="wo-labor" data-testid="labor">
      <h2 id="wo-labor">Labor</h2>
      <div class="timer" data-testid="timer">
        {mine && timer ? (
          <>
            <span class="timer__clock" role="timer" aria-label="Time on this work order">
              {duration(now - Date.parse(timer.started_at), true)}
            </span>
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() => void run(() => stopTimer(order.id, order.number))}
            >
              Stop timer
            </button>
          </>
        ) : running ? (
          <button type="button" class="button" disabled={busy} onClick={() => void run(() => startTimer(order))}>
            Start timer
          </button>
        ) : (
          <span class="muted">
            {timer ? "The timer runs on another work order." : "The timer runs while the work is in progress."}
          </span>
        )}
      </div>
      {entries.length === 0 ? (
        <p class="muted">No labor logged.</p>
      ) : (
        <ul class="list" data-testid="labor-entries">
          {entries.map((entry) => (
            <li key={entry.id} class="list__item">
              {dateTime(entry.started_at)} · {entry.minutes === null ? "running" : `${entry.minutes} min`}
              {entry.user_id && entry.user_id !== userId ? " · colleague" : ""}
              {entry.pending && <span class="tag tag--muted"> not synced</span>}
            </li>
          ))}
        </ul>
      )}
      {entries.length > 0 && <p class="muted">Total logged: {duration(total * 60_000)}</p>}
      {canLog && (
        <form
          class="subform row row--end"
          onSubmit={(event) => {
            event.preventDefault();
            const value = Number(minutes.replace(",", "."));
            void run(async () => {
              await addLabor(order, value, null);
              setMinutes("");
            });
          }}
        >
          <div class="grow">
            <label for="labor-minutes">Add time worked (minutes)</label>
            <input
              id="labor-minutes"
              type="number"
              inputMode="numeric"
              min="1"
              max="1440"
              step="1"
              value={minutes}
              onInput={(e) => setMinutes(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="button" disabled={busy || !minutes}>
            Add time
          </button>
        </form>
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </section>
  );
}
