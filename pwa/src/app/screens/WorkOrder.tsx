import { useEffect, useState } from "preact/hooks";

import { getEntity, getMeta } from "../../db/store";
import type { PhotoRecord } from "../../db/schema";
import { missingRequired } from "../../shared/checklist";
import { labelOf } from "../../db/store";
import { dateTime } from "../../shared/time";
import { CLOSED, EXECUTABLE, statusLabel } from "../../shared/workorder";
import { ApiError, NetworkError, errorText } from "../api";
import { Notice, Screen } from "../components/Screen";
import { Checklist } from "../components/wo/Checklist";
import { Comments } from "../components/wo/Comments";
import { FailureCodes } from "../components/wo/FailureCodes";
import { Labor } from "../components/wo/Labor";
import { Parts } from "../components/wo/Parts";
import { Photos } from "../components/wo/Photos";
import { StatusPanel } from "../components/wo/Status";
import { useStored } from "../hooks";
import { photosOf } from "../photos";
import { checklistOf, commentsOf, fetchWorkOrder, laborOf, workOrder, type RemoteDetail } from "../workorders";

/** A work order, executed here: status, checklist, labor, parts, failure codes, photos, comments. */
export function WorkOrder({ id }: { id: string }) {
  const [notice, setNotice] = useState<string | null>(null);
  const [remote, setRemote] = useState<RemoteDetail | null>(null);
  const stored = useStored(
    async () => {
      const order = await workOrder(id);
      const [items, labor, comments, asset, timer] = await Promise.all([
        checklistOf(id),
        laborOf(id),
        commentsOf(id),
        order?.asset_id ? getEntity("asset", order.asset_id) : Promise.resolve(undefined),
        getMeta("timer"),
      ]);
      return { order, items, labor, comments, asset, timer };
    },
    [id],
    ["entities", "outbox", "meta"],
  );
  const photos = useStored<PhotoRecord[]>(() => photosOf(id), [id], ["photos"]) ?? [];

  useEffect(() => {
    fetchWorkOrder(id)
      .then(setRemote)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) setNotice("No work order with this reference is visible to you.");
        else if (!(error instanceof NetworkError)) setNotice(errorText(error));
      });
  }, [id]);

  // A work order the device does not hold (it left when it was verified, say) is shown as the
  // server has it, read-only.
  const data =
    stored && !stored.order && remote
      ? { ...stored, order: remote.order, items: remote.items, labor: remote.labor, comments: remote.comments }
      : stored;
  const fromServer = !!data && data !== stored;
  const order = data?.order;
  const title = order ? `${order.number} · ${order.title}` : "Work order";
  if (!data) {
    return (
      <Screen title={title} testid="screen-workorder">
        <p aria-busy="true">Loading…</p>
      </Screen>
    );
  }
  if (!order) {
    return (
      <Screen title={title} testid="screen-workorder">
        <p class="muted" data-testid="workorder-id">
          Reference {id}
        </p>
        {notice ? (
          <Notice kind="error">{notice}</Notice>
        ) : (
          <Notice>This work order is not on this device yet. It arrives with the next sync.</Notice>
        )}
      </Screen>
    );
  }
  const editable = EXECUTABLE.has(order.status) && !fromServer;
  const answeredByPhoto = new Set(photos.filter((p) => p.state !== "failed").map((p) => p.checklist_item_id));
  const missing = missingRequired(data.items).filter((item) => !answeredByPhoto.has(item.id));
  const asset = data.asset;
  const assetLabel = asset ? labelOf(asset.data) : undefined;
  return (
    <Screen title={title} testid="screen-workorder">
      {notice && <Notice kind="error">{notice}</Notice>}
      <div class="columns">
        <div>
          <section class="card" aria-labelledby="wo-details">
            <h2 id="wo-details">Details</h2>
            <dl class="details">
              <div>
                <dt>Status</dt>
                <dd>{statusLabel(order.status)}</dd>
              </div>
              <div>
                <dt>Priority</dt>
                <dd>
                  <span class={`tag tag--${order.priority}`}>{order.priority}</span>
                </dd>
              </div>
              <div>
                <dt>Type</dt>
                <dd>{order.type}</dd>
              </div>
              {asset && (
                <div>
                  <dt>Asset</dt>
                  <dd>
                    {assetLabel ? (
                      <a href={`/a/${assetLabel}`}>
                        {String(asset.data.code)} · {String(asset.data.name)}
                      </a>
                    ) : (
                      `${String(asset.data.code)} · ${String(asset.data.name)}`
                    )}
                  </dd>
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
            <p class="muted small" data-testid="workorder-id">
              Reference {id}
            </p>
          </section>
          {!CLOSED.has(order.status) && order.status !== "requested" && !fromServer && (
            <StatusPanel order={order} missing={missing} />
          )}
          {CLOSED.has(order.status) && (
            <Notice kind={order.status === "done" || order.status === "verified" ? "ok" : "info"}>
              This work order is {statusLabel(order.status).toLowerCase()}
              {order.completed_at ? ` (${dateTime(order.completed_at)})` : ""}.
            </Notice>
          )}
          <Checklist order={order} items={data.items} photos={photos} editable={editable} />
        </div>
        <div>
          <Labor order={order} entries={data.labor} timer={data.timer} editable={!fromServer} />
          <Parts order={order} editable={editable} />
          <FailureCodes
            order={order}
            assetClass={(asset?.data.asset_class as string | null | undefined) ?? null}
            editable={editable || (order.status === "done" && !fromServer)}
          />
          <Photos order={order} photos={photos} editable={editable || (order.status === "done" && !fromServer)} />
          <Comments order={order} comments={data.comments} editable={!fromServer} />
        </div>
      </div>
    </Screen>
  );
}
