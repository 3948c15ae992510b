import { useState } from "preact/hooks";

import type { ItemData, WorkOrderData } from "../../workorders";
import { HOLD_REASONS, actionsFor, holdReasonLabel, statusLabel } from "../../../shared/workorder";
import { completeWork, holdWork, resumeWork, startWork } from "../../execution";
import { errorText } from "../../api";
import { Notice } from "../Screen";

/** Start, put on hold (with a reason), resume, complete: what the technician may do from here. */
export function StatusPanel({ order, missing }: { order: WorkOrderData; missing: ItemData[] }) {
  const [holding, setHolding] = useState(false);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const actions = actionsFor(order.status);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setHolding(false);
      setConfirming(false);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card status-panel" aria-labelledby="wo-status-title" data-testid="wo-status">
      <h2 id="wo-status-title">
        Status: <span data-testid="wo-status-value">{statusLabel(order.status)}</span>
      </h2>
      {order.status === "on_hold" && order.hold_reason && <p>On hold: {holdReasonLabel(order.hold_reason)}.</p>}
      {order.pending && (
        <p class="muted" data-testid="wo-pending">
          Changes made here are saved on this device and sent when there is a connection.
        </p>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      <div class="actions">
        {actions.includes("start") && (
          <button type="button" class="button button--primary" disabled={busy} onClick={() => void run(() => startWork(order))}>
            Start work
          </button>
        )}
        {actions.includes("resume") && (
          <button type="button" class="button button--primary" disabled={busy} onClick={() => void run(() => resumeWork(order))}>
            Resume work
          </button>
        )}
        {actions.includes("hold") && !holding && (
          <button type="button" class="button" disabled={busy} onClick={() => setHolding(true)}>
            Pause (put on hold)
          </button>
        )}
        {actions.includes("complete") && !confirming && (
          <button type="button" class="button button--primary" disabled={busy} onClick={() => setConfirming(true)}>
            Complete work
          </button>
        )}
      </div>
      {holding && (
        <form
          class="subform"
          onSubmit={(event) => {
            event.preventDefault();
            if (reason) void run(() => holdWork(order, reason));
          }}
        >
          <label for="hold-reason">Why is the work paused?</label>
          <select id="hold-reason" required value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
            <option value="" disabled>
              Choose a reason
            </option>
            {HOLD_REASONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <div class="row">
            <button type="submit" class="button button--primary" disabled={busy || !reason}>
              Put on hold
            </button>
            <button type="button" class="button button--quiet" onClick={() => setHolding(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {confirming && (
        <div class="subform" role="group" aria-labelledby="complete-title">
          <h3 id="complete-title">Complete this work order?</h3>
          {missing.length > 0 ? (
            <Notice kind="error">
              Answer the required checklist items first: {missing.map((item) => `“${item.label}”`).join(", ")}.
            </Notice>
          ) : (
            <p>The running timer stops and its time is logged. The work order is then done.</p>
          )}
          <div class="row">
            <button
              type="button"
              class="button button--primary"
              disabled={busy || missing.length > 0}
              onClick={() => void run(() => completeWork(order))}
            >
              Yes, complete
            </button>
            <button type="button" class="button button--quiet" onClick={() => setConfirming(false)}>
              Not yet
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
