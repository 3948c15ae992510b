import { describe, expect, it } from "vitest";

import { deviceKind, deviceName, isIosBrowserTab } from "../src/shared/device";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
const PIXEL =
  "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const IPAD_DESKTOP_MODE =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";

describe("device", () => {
  it("names the device from its user agent", () => {
    expect(deviceName(IPHONE)).toBe("iPhone · Safari");
    expect(deviceName(PIXEL)).toBe("Android Pixel 8 · Chrome");
  });

  it("tells phones from tablets by the viewport", () => {
    expect(deviceKind(360, 740, true)).toBe("phone");
    expect(deviceKind(1024, 768, true)).toBe("tablet");
    expect(deviceKind(1920, 1080, false)).toBe("desktop");
  });

  it("recognises iOS Safari tabs, including iPads that claim to be Macs", () => {
    expect(isIosBrowserTab(IPHONE, false, 5)).toBe(true);
    expect(isIosBrowserTab(IPHONE, true, 5)).toBe(false);
    expect(isIosBrowserTab(IPAD_DESKTOP_MODE, false, 5)).toBe(true);
    expect(isIosBrowserTab(IPAD_DESKTOP_MODE, false, 0)).toBe(false);
    expect(isIosBrowserTab(PIXEL, false, 5)).toBe(false);
  });
});
