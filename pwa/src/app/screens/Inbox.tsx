import { useEffect, useState } from "preact/hooks";

import { onStoreChange } from "../../db/events";
import { listOutbox } from "../../db/store";
import type { OutboxRecord } from "../../db/schema";
import { dateTime } from "../../shared/time";
import { readRow, readRows, type ViewRow } from "../../sync/view";
import { Screen } from "../components/Screen";
import { mutate, syncStore } from "../sync";
import { needsAttention } from "../../sync/store";

const NAMES: Record<string, string> = {
  workorder: "work order",
  work_order: "work order",
  stock: "stock",
  comment: "comment",
};

function describeValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Conflicts and refusals: what happened to a change, in plain words, and what to do. */
export function Inbox() {
  const [refused, setRefused] = useState<OutboxRecord[]>([]);
  const [conflicts, setConflicts] = useState<ViewRow[]>([]);
  useEffect(() => {
    const load = () => {
      void listOutbox().then((rows) => setRefused(rows.filter(needsAttention)));
      void readRows("conflict").then((rows) => setConflicts(rows.filter((r) => r.data.status === "open")));
    };
    load();
    return onStoreChange((topic) => topic !== "meta" && load());
  }, []);
  const empty = refused.length === 0 && conflicts.length === 0;
  return (
    <Screen title="Conflicts and refusals" testid="screen-inbox">
      {empty ? (
        <div class="empty" data-testid="inbox-empty">
          <p>Nothing needs your attention.</p>
          <p class="muted">
            When the server refuses one of your changes, or someone else changed the same thing while you were
            offline, it shows here with what happened and how to resolve it.
          </p>
        </div>
      ) : (
        <ul class="list" aria-label="Items needing attention">
          {conflicts.map((c) => (
            <ConflictItem key={c.id} conflict={c} />
          ))}
          {refused.map((r) => (
            <RefusalItem key={r.id} record={r} />
          ))}
        </ul>
      )}
    </Screen>
  );
}

function ConflictItem({ conflict }: { conflict: ViewRow }) {
  const data = conflict.data;
  const entity = String(data.entity ?? "");
  const [target, setTarget] = useState<ViewRow | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void readRow(entity, String(data.entity_id ?? "")).then(setTarget);
  }, [entity, data.entity_id]);
  const title = target ? String(target.data.number ?? target.data.title ?? target.id) : String(data.entity_id);
  const field = String(data.field ?? "a field");
  const resolve = async (choice: "server" | "client") => {
    setBusy(true);
    await mutate({
      name: "conflict.resolve",
      version: 1,
      args: { conflict_id: conflict.id, choice, value: null },
      effects: [
        { op: "patch", entity: "conflict", id: conflict.id, fields: { status: "resolved" } },
        ...(choice === "client"
          ? [{ op: "patch" as const, entity, id: String(data.entity_id), fields: { [field]: data.client_value } }]
          : []),
      ],
      summary: `Resolve the conflict on ${field} of ${NAMES[entity] ?? entity} ${title}`,
    });
  };
  return (
    <li class="list__item inbox-item" data-testid="conflict">
      <h2>
        Conflict: {field} of {NAMES[entity] ?? entity} {title}
      </h2>
      <p>
        Someone else changed <strong>{field}</strong> while you were offline, so your value was not applied. Choose
        which one stays.
      </p>
      <dl class="details">
        <div>
          <dt>Their value (now)</dt>
          <dd data-testid="server-value">{describeValue(data.server_value)}</dd>
        </div>
        <div>
          <dt>Your value</dt>
          <dd data-testid="client-value">{describeValue(data.client_value)}</dd>
        </div>
      </dl>
      <div class="row">
        <button type="button" class="button" disabled={busy} onClick={() => void resolve("server")}>
          Keep theirs
        </button>
        <button type="button" class="button button--primary" disabled={busy} onClick={() => void resolve("client")}>
          Use mine
        </button>
      </div>
    </li>
  );
}

function RefusalItem({ record }: { record: OutboxRecord }) {
  const refused = record.state === "rejected";
  return (
    <li class="list__item inbox-item" data-testid={refused ? "refusal" : "notice"}>
      <h2>
        {refused ? "Not saved" : "Saved, with a note"}: {record.summary ?? record.name}
      </h2>
      <p>{record.result?.reason ?? "The server refused this change."}</p>
      <p class="muted">
        Made {dateTime(record.created_at)}.{" "}
        {refused ? "Nothing of it was applied; make the change again if it is still needed." : ""}
      </p>
      <button type="button" class="button" onClick={() => void syncStore().dismiss(record.id)}>
        Dismiss
      </button>
    </li>
  );
}
