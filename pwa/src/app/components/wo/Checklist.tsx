import { useEffect, useState } from "preact/hooks";

import type { PhotoRecord } from "../../../db/schema";
import { checkAnswer, isAnswered, limitsText, parseNumber, type AnswerValue } from "../../../shared/checklist";
import { errorText } from "../../api";
import { answerItem, describeAnswer } from "../../execution";
import { addPhoto } from "../../photos";
import { requestSync } from "../../sync";
import type { ItemData, WorkOrderData } from "../../workorders";

/** The checklist, every item kind; a measurement outside its limits is flagged as it is typed. */
export function Checklist({
  order,
  items,
  photos,
  editable,
}: {
  order: WorkOrderData;
  items: ItemData[];
  photos: PhotoRecord[];
  editable: boolean;
}) {
  const answered = items.filter((i) => isAnswered(i) || photos.some((p) => p.checklist_item_id === i.id)).length;
  return (
    <section class="card" aria-labelledby="wo-checklist" data-testid="checklist">
      <h2 id="wo-checklist">
        Checklist{" "}
        {items.length > 0 && (
          <span class="muted">
            ({answered} of {items.length} answered)
          </span>
        )}
      </h2>
      {items.length === 0 ? (
        <p class="muted">No checklist.</p>
      ) : (
        <ol class="checklist">
          {items.map((item) => (
            <Item
              key={item.id}
              order={order}
              item={item}
              photos={photos.filter((p) => p.checklist_item_id === item.id)}
              editable={editable}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function Item({
  order,
  item,
  photos,
  editable,
}: {
  order: WorkOrderData;
  item: ItemData;
  photos: PhotoRecord[];
  editable: boolean;
}) {
  const [error, setError] = useState<string | null>(null);
  const id = `item-${item.id}`;
  const save = async (value: AnswerValue): Promise<boolean> => {
    setError(null);
    try {
      await answerItem(order, item, value);
      return true;
    } catch (failure) {
      setError(errorText(failure));
      return false;
    }
  };
  const flagged = item.out_of_limits && isAnswered(item);
  return (
    <li class={`check-item${flagged ? " flagged" : ""}`} data-testid="checklist-item" data-kind={item.kind}>
      <div class="check-item__head">
        <span id={`${id}-label`} class="check-item__label">
          {item.label}
          {item.required ? "" : " (optional)"}
        </span>
        {limitsText(item) && <span class="muted small">Limits {limitsText(item)}</span>}
        {item.pending && <span class="tag tag--muted">not synced</span>}
      </div>
      {editable ? (
        <Answer item={item} id={id} photos={photos} onSave={save} order={order} />
      ) : (
        <p class="muted">{describeAnswer(item.value, item.unit)}</p>
      )}
      {flagged && item.kind !== "numeric" && (
        <p class="flag" data-testid="out-of-limits">
          {item.kind === "pass_fail" ? "Failed check" : `Out of limits (${limitsText(item)})`}
        </p>
      )}
      {error && (
        <p class="flag" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function Answer({
  item,
  id,
  photos,
  onSave,
  order,
}: {
  item: ItemData;
  id: string;
  photos: PhotoRecord[];
  onSave: Save;
  order: WorkOrderData;
}) {
  const [shown, choose] = useChosen(item.value, onSave);
  switch (item.kind) {
    case "checkbox":
      return (
        <label class="toggle">
          <input
            type="checkbox"
            checked={shown === true}
            aria-labelledby={`${id}-label`}
            onChange={(e) => choose(e.currentTarget.checked)}
          />
          <span>Done</span>
        </label>
      );
    case "pass_fail":
      return (
        <div class="segmented" role="radiogroup" aria-labelledby={`${id}-label`}>
          {(["pass", "fail"] as const).map((choice) => (
            <label key={choice} class={`segmented__option segmented__option--${choice}`}>
              <input
                type="radio"
                name={id}
                value={choice}
                checked={shown === choice}
                onChange={() => choose(choice)}
              />
              <span>{choice === "pass" ? "Pass" : "Fail"}</span>
            </label>
          ))}
        </div>
      );
    case "numeric":
      return <NumericAnswer item={item} id={id} onSave={onSave} />;
    case "text":
      return <TextAnswer item={item} id={id} onSave={onSave} />;
    case "photo_required":
      return <PhotoAnswer item={item} id={id} photos={photos} order={order} />;
  }
}

type Save = (value: AnswerValue) => Promise<boolean>;

/**
 * What a toggle shows: the choice just made until the stored answer moves. Saving writes the
 * outbox, and the screen re-reads the store a moment later; a render in between (that re-read,
 * a sync, another item's answer) must not flip the control back under the user's finger. Once
 * the stored answer changes (to this choice, or to someone else's) it is shown as it is.
 */
function useChosen(stored: AnswerValue, onSave: Save): [AnswerValue, (value: AnswerValue) => void] {
  const [chosen, setChosen] = useState<{ value: AnswerValue; base: AnswerValue } | null>(null);
  useEffect(() => {
    if (chosen && (stored !== chosen.base || stored === chosen.value)) setChosen(null);
  }, [stored, chosen]);
  const choose = (value: AnswerValue) => {
    const mine = { value, base: stored };
    setChosen(mine);
    void onSave(value).then((saved) => {
      if (!saved) setChosen((now) => (now === mine ? null : now));
    });
  };
  return [chosen ? chosen.value : stored, choose];
}

function NumericAnswer({ item, id, onSave }: { item: ItemData; id: string; onSave: Save }) {
  const [text, setText] = useState(typeof item.value === "number" ? String(item.value) : "");
  const typed = text.trim() === "" ? null : parseNumber(text);
  const check = typed === null ? null : checkAnswer(item, typed);
  const outside = check?.ok === true && check.outOfLimits;
  const invalid = text.trim() !== "" && typed === null;
  const commit = () => {
    if (invalid) return;
    const current = typeof item.value === "number" ? item.value : null;
    if (typed !== current) void onSave(typed);
  };
  return (
    <div class="numeric">
      <div class="row">
        <input
          id={`${id}-input`}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          aria-labelledby={`${id}-label`}
          aria-describedby={`${id}-hint`}
          aria-invalid={invalid || outside}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onChange={commit}
          onKeyDown={(e) => e.key === "Enter" && (e.currentTarget as HTMLInputElement).blur()}
        />
        {item.unit && <span class="unit">{item.unit}</span>}
      </div>
      <p
        id={`${id}-hint`}
        class={outside || invalid ? "flag" : "muted small"}
        aria-live="polite"
        data-testid={outside ? "out-of-limits" : undefined}
      >
        {invalid
          ? "Enter a number."
          : outside
            ? `Out of limits (${limitsText(item)})`
            : typed !== null && limitsText(item)
              ? "Within the limits"
              : ""}
      </p>
    </div>
  );
}

function TextAnswer({ item, id, onSave }: { item: ItemData; id: string; onSave: Save }) {
  const [text, setText] = useState(typeof item.value === "string" ? item.value : "");
  return (
    <textarea
      rows={2}
      aria-labelledby={`${id}-label`}
      value={text}
      onInput={(e) => setText(e.currentTarget.value)}
      onChange={() => {
        const value = text.trim() === "" ? null : text.trim();
        if (value !== (item.value ?? null)) void onSave(value);
      }}
    />
  );
}

function PhotoAnswer({ item, id, photos, order }: { item: ItemData; id: string; photos: PhotoRecord[]; order: WorkOrderData }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latest = photos[photos.length - 1];
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await addPhoto(order.id, file, item.id);
      requestSync();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <p class="muted small">
        {latest
          ? latest.state === "uploaded"
            ? "Photo uploaded."
            : latest.state === "failed"
              ? `Photo refused: ${latest.last_error ?? ""}`
              : "Photo taken; it uploads when there is a connection."
          : isAnswered(item)
            ? "Photo on file."
            : "No photo yet."}
      </p>
      <label class="button file-button">
        <input
          type="file"
          accept="image/*"
          capture="environment"
          aria-labelledby={`${id}-label`}
          disabled={busy}
          onChange={(e) => {
            void onFile(e.currentTarget.files?.[0]);
            e.currentTarget.value = "";
          }}
        />
        {busy ? "Processing…" : latest || isAnswered(item) ? "Take another photo" : "Take photo"}
      </label>
      {error && (
        <p class="flag" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
