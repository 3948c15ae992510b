import { useState } from "preact/hooks";

import { listOutbox } from "../../db/store";
import type { OutboxRecord, PhotoRecord } from "../../db/schema";
import { ENTITY, MUTATIONS, NOTICE_HELP, REFUSAL_HELP } from "../../shared/mutations";
import { parseNumber } from "../../shared/checklist";
import { dateTime } from "../../shared/time";
import { needsAttention } from "../../sync/store";
import { readRow, readRows, type ViewRow } from "../../sync/view";
import { Screen } from "../components/Screen";
import { describeAnswer } from "../execution";
import { useStored } from "../hooks";
import { discardPhoto, photosNeedingAttention, retryPhoto } from "../photos";
import { session } from "../state";
import { mutate, requestSync, syncStore } from "../sync";

/** Conflicts, refusals and photos the server would not take: what happened, in plain words, and what to do. */
export function Inbox() {
  const refused = useStored(async () => (await listOutbox()).filter(needsAttention), []) ?? [];
  const conflicts = useStored(async () => (await readRows(ENTITY.conflict)).filter((r) => r.data.status === "open"), []) ?? [];
  const photos = useStored(photosNeedingAttention, [], ["photos"]) ?? [];
  const empty = refused.length === 0 && conflicts.length === 0 && photos.length === 0;
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
          {photos.map((p) => (
            <PhotoItem key={p.id} photo={p} />
          ))}
        </ul>
      )}
    </Screen>
  );
}

interface Subject {
  /** "the measurement “Spindle runout” on WO-0004" */
  what: string;
  unit: string | null;
  numeric: boolean;
  href: string | null;
}

const FIELD_WORDS: Record<string, string> = {
  status: "status",
  title: "title",
  priority: "priority",
  description: "description",
  problem_code_id: "problem code",
  cause_code_id: "cause code",
  remedy_code_id: "remedy code",
  reason_code: "stop reason",
};

async function describeSubject(entity: string, entityId: string, field: string): Promise<Subject> {
  if (entity === ENTITY.checklistItem) {
    const item = await readRow(entity, entityId);
    const orderId = typeof item?.data.work_order_id === "string" ? item.data.work_order_id : null;
    const order = orderId ? await readRow(ENTITY.workOrder, orderId) : undefined;
    const kind = String(item?.data.kind ?? "");
    const noun = kind === "numeric" ? "measurement" : "checklist answer";
    return {
      what: `the ${noun} “${String(item?.data.label ?? "a checklist item")}”${order ? ` on ${String(order.data.number)}` : ""}`,
      unit: (item?.data.unit as string | null | undefined) ?? null,
      numeric: kind === "numeric",
      href: orderId ? `/wo/${orderId}` : null,
    };
  }
  if (entity === ENTITY.workOrder) {
    const order = await readRow(entity, entityId);
    return {
      what: `the ${FIELD_WORDS[field] ?? field.replace(/_/g, " ")} of ${order ? String(order.data.number) : "a work order"}`,
      unit: null,
      numeric: false,
      href: `/wo/${entityId}`,
    };
  }
  if (entity === ENTITY.downtimeEvent) {
    const stop = await readRow(entity, entityId);
    const asset = typeof stop?.data.asset_id === "string" ? await readRow(ENTITY.asset, stop.data.asset_id) : undefined;
    const when = typeof stop?.data.started_at === "string" ? ` at ${dateTime(stop.data.started_at)}` : "";
    return {
      what: `the reason of the stop of ${asset ? String(asset.data.code) : "a machine"}${when}`,
      unit: null,
      numeric: false,
      href: "/line",
    };
  }
  return {
    what: `the ${FIELD_WORDS[field] ?? field.replace(/_/g, " ")} of ${entity.replace(/_/g, " ")} ${entityId}`,
    unit: null,
    numeric: false,
    href: null,
  };
}

const MINE =
  "Someone else entered a value while you were offline, and theirs reached the server first. Yours was kept aside, not lost.";
const THEIRS =
  "You and a colleague entered different values while offline. The first to reach the server is in use; the other was kept aside.";

function ConflictItem({ conflict }: { conflict: ViewRow }) {
  const data = conflict.data;
  const entity = String(data.entity ?? "");
  const entityId = String(data.entity_id ?? "");
  const field = String(data.field ?? "");
  const subject = useStored(() => describeSubject(entity, entityId, field), [entity, entityId, field]);
  const [busy, setBusy] = useState(false);
  const [other, setOther] = useState("");
  const mine = data.client_id === session.value?.device_id;
  const show = (value: unknown) =>
    value === null || value === undefined || value === ""
      ? "(empty)"
      : typeof value === "object"
        ? JSON.stringify(value)
        : describeAnswer(value as string | number | boolean, subject?.unit ?? null);
  const resolve = async (choice: "server" | "client" | "value", value: unknown = null) => {
    setBusy(true);
    const chosen = choice === "server" ? data.server_value : choice === "client" ? data.client_value : value;
    await mutate({
      ...MUTATIONS.resolve({ conflict_id: conflict.id, choice, value: choice === "value" ? value : null }),
      effects: [
        { op: "patch", entity: ENTITY.conflict, id: conflict.id, fields: { status: "resolved" } },
        ...(choice === "server" ? [] : [{ op: "patch" as const, entity, id: entityId, fields: { [field]: chosen } }]),
      ],
      summary: `Resolve the conflict on ${subject?.what ?? field}: keep ${show(chosen)}`,
    });
  };
  const typed = subject?.numeric ? parseNumber(other) : other.trim() || null;
  return (
    <li class="list__item inbox-item" data-testid="conflict">
      <h2>Two different values for {subject?.what ?? field}</h2>
      <p>
        {mine ? MINE : THEIRS} Choose which value is right.
      </p>
      <dl class="details">
        <div>
          <dt>In use now</dt>
          <dd data-testid="server-value">{show(data.server_value)}</dd>
        </div>
        <div>
          <dt>{mine ? "Your value (kept aside)" : "Kept aside"}</dt>
          <dd data-testid="client-value">{show(data.client_value)}</dd>
        </div>
      </dl>
      {subject?.href && (
        <p>
          <a href={subject.href}>{entity === ENTITY.downtimeEvent ? "Open the line" : "Open the work order"}</a>
        </p>
      )}
      <div class="row">
        <button type="button" class="button" disabled={busy} onClick={() => void resolve("server")}>
          Keep {show(data.server_value)}
        </button>
        <button type="button" class="button button--primary" disabled={busy} onClick={() => void resolve("client")}>
          Use {show(data.client_value)}
        </button>
      </div>
      <form
        class="row row--end"
        onSubmit={(event) => {
          event.preventDefault();
          if (typed !== null) void resolve("value", typed);
        }}
      >
        <div class="grow">
          <label for={`other-${conflict.id}`}>Or enter the right value (measured again)</label>
          <input
            id={`other-${conflict.id}`}
            inputMode={subject?.numeric ? "decimal" : "text"}
            value={other}
            onInput={(e) => setOther(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button" disabled={busy || typed === null}>
          Use this value
        </button>
      </form>
    </li>
  );
}

function RefusalItem({ record }: { record: OutboxRecord }) {
  const refused = record.state === "rejected";
  const code = record.result?.code ?? "";
  const help = refused ? REFUSAL_HELP[code] : NOTICE_HELP[code];
  return (
    <li class="list__item inbox-item" data-testid={refused ? "refusal" : "notice"}>
      <h2>
        {refused ? "Not saved" : "Saved, with a note"}: {record.summary ?? record.name}
      </h2>
      <p>{record.result?.reason ?? "The server refused this change."}</p>
      {help && <p>{help}</p>}
      <p class="muted">
        Made {dateTime(record.created_at)}. {refused ? "Nothing of it was applied." : ""}
      </p>
      <button type="button" class="button" onClick={() => void syncStore().dismiss(record.id)}>
        Dismiss
      </button>
    </li>
  );
}

function PhotoItem({ photo }: { photo: PhotoRecord }) {
  return (
    <li class="list__item inbox-item" data-testid="photo-refusal">
      <h2>Photo not uploaded</h2>
      <p>{photo.last_error ?? "The server refused the photo."}</p>
      <p class="muted">
        Taken {dateTime(photo.created_at)} for <a href={`/wo/${photo.work_order_id}`}>a work order</a>. It is still on
        this device.
      </p>
      <div class="row">
        <button type="button" class="button" onClick={() => void retryPhoto(photo.id).then(requestSync)}>
          Try again
        </button>
        <button type="button" class="button button--quiet" onClick={() => void discardPhoto(photo.id)}>
          Discard
        </button>
      </div>
    </li>
  );
}
