import { describe, expect, it } from "vitest";

import { notificationFor, parsePushData } from "../src/shared/push";

describe("push notifications", () => {
  it("describes an assigned work order and opens it", () => {
    const spec = notificationFor(
      parsePushData(
        JSON.stringify({
          type: "work_order.assigned",
          work_order_id: "wo-1",
          number: "WO-000042",
          asset: { code: "N-CNC-01", name: "CNC mill 1" },
          priority: "high",
          title: "Spindle vibration",
          url: "/wo/wo-1",
        }),
      ),
    );
    expect(spec.title).toBe("New work order: WO-000042");
    expect(spec.body).toBe("Spindle vibration\nN-CNC-01 · CNC mill 1\nPriority: high");
    expect(spec.url).toBe("/wo/wo-1");
    expect(spec.tag).toBe("wo-wo-1");
  });

  it("falls back to the work order id when the payload has no url", () => {
    expect(notificationFor({ type: "work_order.assigned", work_order_id: "abc" }).url).toBe("/wo/abc");
  });

  it("never sends the app to another origin", () => {
    expect(notificationFor({ type: "work_order.assigned", url: "https://evil.example/" }).url).toBe("/");
  });

  it("uses the payload's own title for other kinds of message", () => {
    const spec = notificationFor({ type: "test", title: "Gemba test notification", url: "/" });
    expect(spec.title).toBe("Gemba test notification");
    expect(spec.body).toBe("Open Gemba for details.");
    expect(spec.url).toBe("/");
  });

  it("shows a plain-text push as its body", () => {
    const spec = notificationFor(parsePushData("Line 2 stopped"));
    expect(spec.body).toBe("Line 2 stopped");
    expect(spec.title).toBe("Gemba");
  });
});
