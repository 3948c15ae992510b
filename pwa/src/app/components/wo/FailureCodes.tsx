import { useEffect, useState } from "preact/hooks";

import { errorText } from "../../api";
import { codesFor, failureCodesOf, type FailureCode } from "../../catalog";
import { setFailureCodes } from "../../execution";
import type { WorkOrderData } from "../../workorders";
import { Notice } from "../Screen";

const SLOTS = [
  ["problem", "problem_code_id", "Problem"],
  ["cause", "cause_code_id", "Cause"],
  ["remedy", "remedy_code_id", "Remedy"],
] as const;

type Choice = Record<(typeof SLOTS)[number][1], string>;

/** Problem, cause and remedy from the lists of the asset's class (kept on the device). */
export function FailureCodes({
  order,
  assetClass,
  editable,
}: {
  order: WorkOrderData;
  assetClass: string | null;
  editable: boolean;
}) {
  const [codes, setCodes] = useState<FailureCode[] | null>(null);
  const [listAt, setListAt] = useState<string | null>(null);
  const current = (): Choice => ({
    problem_code_id: order.problem_code_id ?? "",
    cause_code_id: order.cause_code_id ?? "",
    remedy_code_id: order.remedy_code_id ?? "",
  });
  const [choice, setChoice] = useState<Choice>(current);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    failureCodesOf(order.site_id, navigator.onLine)
      .then((found) => {
        setCodes(found?.value ?? []);
        setListAt(found?.at ?? null);
      })
      .catch((failure: unknown) => setError(errorText(failure)));
  }, [order.site_id]);
  useEffect(() => setChoice(current()), [order.problem_code_id, order.cause_code_id, order.remedy_code_id]);

  const name = (id: string | null) => {
    const code = codes?.find((c) => c.id === id);
    return code ? `${code.code} — ${code.name}` : "—";
  };
  const changed = SLOTS.some(([, field]) => choice[field] !== (order[field] ?? ""));

  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const chosen = Object.fromEntries(SLOTS.map(([, field]) => [field, choice[field] || null]));
      await setFailureCodes(order, chosen);
      setSaved(true);
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <section class="card" aria-labelledby="wo-codes" data-testid="failure-codes">
      <h2 id="wo-codes">Failure codes</h2>
      {codes === null && !error && <p aria-busy="true">Loading…</p>}
      {codes !== null && codes.length === 0 && (
        <p class="muted">No failure codes on this device yet; they are loaded with a connection.</p>
      )}
      {codes !== null && codes.length > 0 && !editable && (
        <dl class="details">
          {SLOTS.map(([, field, label]) => (
            <div key={field}>
              <dt>{label}</dt>
              <dd>{name(order[field])}</dd>
            </div>
          ))}
        </dl>
      )}
      {codes !== null && codes.length > 0 && editable && (
        <form onSubmit={(e) => void save(e)}>
          {SLOTS.map(([kind, field, label]) => (
            <div key={field}>
              <label for={`code-${kind}`}>{label}</label>
              <select
                id={`code-${kind}`}
                value={choice[field]}
                onChange={(e) => {
                  setSaved(false);
                  setChoice({ ...choice, [field]: e.currentTarget.value });
                }}
              >
                <option value="">Not set</option>
                {codesFor(codes, assetClass, kind).map((code) => (
                  <option key={code.id} value={code.id}>
                    {code.code} — {code.name}
                  </option>
                ))}
              </select>
            </div>
          ))}
          <div class="row row--end">
            <button type="submit" class="button" disabled={!changed}>
              Save codes
            </button>
            {saved && !changed && <span class="muted">Saved.</span>}
          </div>
        </form>
      )}
      {listAt && !navigator.onLine && <p class="muted small">List as read {new Date(listAt).toLocaleString()}.</p>}
      {error && <Notice kind="error">{error}</Notice>}
    </section>
  );
}
