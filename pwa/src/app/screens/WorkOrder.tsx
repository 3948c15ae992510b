import { useEffect, useState } from "preact/hooks";

import { onStoreChange } from "../../db/events";
import { getEntity } from "../../db/store";
import { dateTime } from "../../shared/time";
import type { ViewRow } from "../../sync/view";
import { ApiError, NetworkError, errorText } from "../api";
import { Notice, Screen } from "../components/Screen";
import { CHECKLIST_ITEM, LABOR, children, refreshWorkOrder, workOrder, type WorkOrderData } from "../workorders";

export function WorkOrder({ id }: { id: string }) {
  const [order, setOrder] = useState<WorkOrderData | null | undefined>(undefined);
  const [checklist, setChecklist] = useState<ViewRow[]>([]);
  const [labor, setLabor] = useState<ViewRow[]>([]);
  const [asset, setAsset] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    const load = async () => {
      const found = await workOrder(id);
      setOrder(found);
      setChecklist((await children(CHECKLIST_ITEM, id)).sort((a, b) => Number(a.data.position) - Number(b.data.position)));
      setLabor(await children(LABOR, id));
      if (found?.asset_id) {
        const row = await getEntity("asset", found.asset_id);
        setAsset(row ? `${String(row.data.code)} · ${String(row.data.name)}` : null);
      }
    };
    void load();
    refreshWorkOrder(id).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) setNotice("No work order with this reference is visible to you.");
      else if (!(error instanceof NetworkError)) setNotice(errorText(error));
    });
    return onStoreChange((topic) => topic !== "meta" && void load());
  }, [id]);
  const title = order ? `${order.number} · ${order.title}` : "Work order";
  return (
    <Screen title={title} testid="screen-workorder">
      <p class="muted" data-testid="workorder-id">
        Reference {id}
      </p>
      {notice && <Notice kind="error">{notice}</Notice>}
      {order === undefined && <p aria-busy="true">Loading…</p>}
      {order === null && !notice && (
        <Notice>This work order is not on this device yet. It arrives with the next sync.</Notice>
      )}
      {order && (
        <div class="columns">
          <section class="card" aria-labelledby="wo-details">
            <h2 id="wo-details">Details</h2>
            <dl class="details">
              <div>
                <dt>Status</dt>
                <dd>{order.status.replace("_", " ")}</dd>
              </div>
              <div>
                <dt>Priority</dt>
                <dd>{order.priority}</dd>
              </div>
              <div>
                <dt>Type</dt>
                <dd>{order.type}</dd>
              </div>
              {asset && (
                <div>
                  <dt>Asset</dt>
                  <dd>{asset}</dd>
                </div>
              )}
              {order.due_at && (
                <div>
                  <dt>Due</dt>
                  <dd>{dateTime(order.due_at)}</dd>
                </div>
              )}
            </dl>
            {order.description && <p>{order.description}</p>}
          </section>
          <div>
            <section class="card" aria-labelledby="wo-checklist">
              <h2 id="wo-checklist">Checklist</h2>
              {checklist.length === 0 ? (
                <p class="muted">No checklist.</p>
              ) : (
                <ol class="checklist">
                  {checklist.map((item) => (
                    <li key={item.id} class={item.data.out_of_limits ? "flagged" : undefined}>
                      <span>{String(item.data.label)}</span>{" "}
                      <span class="muted">
                        {item.data.value === null || item.data.value === undefined
                          ? "not answered"
                          : `${String(item.data.value)}${item.data.unit ? ` ${String(item.data.unit)}` : ""}`}
                        {item.data.out_of_limits ? " — out of limits" : ""}
                      </span>
                    </li>
                  ))}
                </ol>
              )}
            </section>
            <section class="card" aria-labelledby="wo-labor">
              <h2 id="wo-labor">Labor</h2>
              {labor.length === 0 ? (
                <p class="muted">No labor logged.</p>
              ) : (
                <ul class="list">
                  {labor.map((entry) => (
                    <li key={entry.id} class="list__item">
                      {dateTime(String(entry.data.started_at))} ·{" "}
                      {entry.data.minutes === null || entry.data.minutes === undefined
                        ? "running"
                        : `${String(entry.data.minutes)} min`}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </div>
      )}
    </Screen>
  );
}
