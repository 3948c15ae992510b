import { useEffect, useState } from "preact/hooks";

import { onStoreChange } from "../../db/events";
import { dateTime } from "../../shared/time";
import { NetworkError, errorText } from "../api";
import { Notice, Screen } from "../components/Screen";
import { session } from "../state";
import { myWork, refreshMyWork, type WorkOrderData } from "../workorders";

type Filter = "all" | "assigned" | "in_progress" | "on_hold";
const FILTERS: [Filter, string][] = [
  ["all", "All"],
  ["assigned", "To do"],
  ["in_progress", "In progress"],
  ["on_hold", "On hold"],
];

/** My work: assigned, unfinished work orders, most urgent first; works offline. */
export function Work() {
  const user = session.value?.user;
  const [orders, setOrders] = useState<WorkOrderData[] | null>(null);
  const [filter, setFilter] = useState<Filter>("all");
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!user) return undefined;
    const load = () => void myWork(user.id).then(setOrders);
    load();
    refreshMyWork().catch((error: unknown) => {
      if (!(error instanceof NetworkError)) setNotice(errorText(error));
    });
    return onStoreChange((topic) => topic !== "meta" && load());
  }, [user?.id]);
  const shown = (orders ?? []).filter((o) => filter === "all" || o.status === filter);
  return (
    <Screen title="My work" testid="screen-work">
      <p class="muted">
        Signed in as <strong>{user?.display_name}</strong>
      </p>
      <div class="chips" role="group" aria-label="Show">
        {FILTERS.map(([value, label]) => (
          <button
            key={value}
            type="button"
            class="chip"
            aria-pressed={filter === value}
            onClick={() => setFilter(value)}
          >
            {label}
          </button>
        ))}
      </div>
      {notice && <Notice kind="error">{notice}</Notice>}
      {orders === null ? (
        <p aria-busy="true">Loading…</p>
      ) : shown.length === 0 ? (
        <div class="empty" data-testid="work-empty">
          <p>
            {orders.length === 0
              ? "No work assigned to you on this device. New work arrives with the next sync and stays available offline."
              : "Nothing in this view."}
          </p>
          <a class="button button--primary" href="/scan">
            Scan an asset
          </a>
        </div>
      ) : (
        <ul class="list cards" data-testid="work-list">
          {shown.map((o) => (
            <li key={o.id}>
              <a href={`/wo/${o.id}`} class="wo-card">
                <span class="wo-card__top">
                  <strong>{o.number}</strong>
                  <span class={`tag tag--${o.priority}`}>{o.priority}</span>
                  <span class="tag tag--muted">{o.status.replace("_", " ")}</span>
                </span>
                <span class="wo-card__title">{o.title}</span>
                {o.due_at && <span class="muted">Due {dateTime(o.due_at)}</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
    </Screen>
  );
}
