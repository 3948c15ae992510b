import { describe, expect, it } from "vitest";

import {
  checkAnswer,
  isAnswered,
  limitsText,
  missingRequired,
  outOfLimits,
  parseNumber,
  type ChecklistItem,
} from "../src/shared/checklist";
import { actionsFor, duration, holdReasonLabel, wholeMinutes } from "../src/shared/workorder";

const item = (over: Partial<ChecklistItem>): ChecklistItem => ({
  id: "i1",
  work_order_id: "wo",
  position: 1,
  kind: "numeric",
  label: "Pressure",
  required: true,
  unit: "bar",
  lower_limit: 140,
  upper_limit: 160,
  value: null,
  out_of_limits: false,
  ...over,
});

describe("checklist answers", () => {
  it("flags numbers outside inclusive limits", () => {
    expect(outOfLimits(140, 140, 160)).toBe(false);
    expect(outOfLimits(160, 140, 160)).toBe(false);
    expect(outOfLimits(139.9, 140, 160)).toBe(true);
    expect(outOfLimits(171, null, 160)).toBe(true);
    expect(outOfLimits(-5, null, null)).toBe(false);
    expect(checkAnswer(item({}), 171)).toEqual({ ok: true, value: 171, outOfLimits: true });
    expect(checkAnswer(item({}), 152.5)).toEqual({ ok: true, value: 152.5, outOfLimits: false });
  });

  it("reads what a technician types as a number", () => {
    expect(parseNumber("4,6")).toBe(4.6);
    expect(parseNumber(" 0.018 ")).toBe(0.018);
    expect(parseNumber("-3")).toBe(-3);
    expect(parseNumber("1e3")).toBe(1000);
    expect(parseNumber("12 bar")).toBeNull();
    expect(parseNumber("")).toBeNull();
    expect(parseNumber("NaN")).toBeNull();
  });

  it("checks every kind like the server", () => {
    expect(checkAnswer(item({ kind: "checkbox" }), true)).toMatchObject({ ok: true, outOfLimits: false });
    expect(checkAnswer(item({ kind: "checkbox" }), "yes").ok).toBe(false);
    expect(checkAnswer(item({ kind: "pass_fail" }), "fail")).toEqual({ ok: true, value: "fail", outOfLimits: true });
    expect(checkAnswer(item({ kind: "pass_fail" }), "pass")).toEqual({ ok: true, value: "pass", outOfLimits: false });
    expect(checkAnswer(item({ kind: "pass_fail" }), true).ok).toBe(false);
    expect(checkAnswer(item({ kind: "numeric" }), "12").ok).toBe(false);
    expect(checkAnswer(item({ kind: "text" }), "ok")).toMatchObject({ ok: true });
    expect(checkAnswer(item({ kind: "text" }), null)).toEqual({ ok: true, value: null, outOfLimits: false });
  });

  it("describes limits and lists the required items still open", () => {
    expect(limitsText(item({}))).toBe("140 – 160 bar");
    expect(limitsText(item({ lower_limit: null, upper_limit: 2.8, unit: "mm/s" }))).toBe("≤ 2.8 mm/s");
    expect(limitsText(item({ lower_limit: 35, upper_limit: null, unit: null }))).toBe("≥ 35");
    expect(limitsText(item({ lower_limit: null, upper_limit: null }))).toBe("");
    const items = [
      item({ id: "a" }),
      item({ id: "b", value: 150 }),
      item({ id: "c", required: false }),
      item({ id: "d", value: "" }),
    ];
    expect(missingRequired(items).map((i) => i.id)).toEqual(["a", "d"]);
    expect(isAnswered(item({ value: false }))).toBe(true);
  });
});

describe("work order steps", () => {
  it("offers the technician's next steps only", () => {
    expect(actionsFor("assigned")).toEqual(["start"]);
    expect(actionsFor("in_progress")).toEqual(["hold", "complete"]);
    expect(actionsFor("on_hold")).toEqual(["resume"]);
    expect(actionsFor("requested")).toEqual([]);
    expect(actionsFor("done")).toEqual([]);
  });

  it("rounds labor like the server and formats durations", () => {
    expect(wholeMinutes("2026-03-01T08:00:00Z", "2026-03-01T08:00:29Z")).toBe(0);
    expect(wholeMinutes("2026-03-01T08:00:00Z", "2026-03-01T08:00:30Z")).toBe(1);
    expect(wholeMinutes("2026-03-01T08:00:00Z", "2026-03-01T09:15:00Z")).toBe(75);
    expect(wholeMinutes("2026-03-01T09:00:00Z", "2026-03-01T08:00:00Z")).toBe(0);
    expect(duration(75 * 60_000)).toBe("1 h 15 min");
    expect(duration(42_000, true)).toBe("0:42");
    expect(duration(3_723_000, true)).toBe("1:02:03");
    expect(holdReasonLabel("waiting_for_parts")).toBe("Waiting for parts");
  });
});
