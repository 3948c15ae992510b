/** Checklist items as a technician fills them in: every kind, numeric limits flagged at entry. */

export type ItemKind = "checkbox" | "pass_fail" | "numeric" | "text" | "photo_required";
export type AnswerValue = boolean | number | string | null;

export interface ChecklistItem {
  id: string;
  work_order_id: string;
  position: number;
  kind: ItemKind;
  label: string;
  required: boolean;
  unit: string | null;
  lower_limit: number | null;
  upper_limit: number | null;
  value: AnswerValue;
  out_of_limits: boolean;
}

export type Checked = { ok: true; value: AnswerValue; outOfLimits: boolean } | { ok: false; error: string };

/** Limits are inclusive: a value on the limit is within it. */
export function outOfLimits(value: number, lower: number | null, upper: number | null): boolean {
  return (lower !== null && value < lower) || (upper !== null && value > upper);
}

/** Reads what was typed for a numeric item ("4,6" as well as "4.6"); null when it is not a number. */
export function parseNumber(text: string): number | null {
  const clean = text.trim().replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(clean)) return null;
  const value = Number(clean);
  return Number.isFinite(value) ? value : null;
}

/** Checks an answer the way the server does; failed pass/fail checks count as out of limits. */
export function checkAnswer(
  item: Pick<ChecklistItem, "kind" | "lower_limit" | "upper_limit">,
  value: AnswerValue,
): Checked {
  if (value === null) return { ok: true, value: null, outOfLimits: false };
  switch (item.kind) {
    case "checkbox":
      return typeof value === "boolean"
        ? { ok: true, value, outOfLimits: false }
        : { ok: false, error: "A checkbox takes yes or no." };
    case "pass_fail":
      return value === "pass" || value === "fail"
        ? { ok: true, value, outOfLimits: value === "fail" }
        : { ok: false, error: "Choose pass or fail." };
    case "numeric":
      return typeof value === "number" && Number.isFinite(value)
        ? { ok: true, value, outOfLimits: outOfLimits(value, item.lower_limit, item.upper_limit) }
        : { ok: false, error: "Enter a number." };
    case "text":
    case "photo_required":
      return typeof value === "string"
        ? { ok: true, value, outOfLimits: false }
        : { ok: false, error: "Enter some text." };
  }
}

export function isAnswered(item: Pick<ChecklistItem, "value">): boolean {
  return item.value !== null && item.value !== undefined && item.value !== "";
}

/** "6 – 9 %", "≤ 2.8 mm/s", "≥ 35 °C", or "" without limits. */
export function limitsText(item: Pick<ChecklistItem, "lower_limit" | "upper_limit" | "unit">): string {
  const unit = item.unit ? ` ${item.unit}` : "";
  const { lower_limit: lower, upper_limit: upper } = item;
  if (lower !== null && upper !== null) return `${lower} – ${upper}${unit}`;
  if (upper !== null) return `≤ ${upper}${unit}`;
  if (lower !== null) return `≥ ${lower}${unit}`;
  return "";
}

/** Required items still without an answer (completing the work order needs them). */
export function missingRequired<T extends ChecklistItem>(items: T[]): T[] {
  return items.filter((item) => item.required && !isAnswered(item));
}
