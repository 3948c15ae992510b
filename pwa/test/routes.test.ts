import { describe, expect, it } from "vitest";

import { appPath, labelPath, labelToken, parseRoute, routePath, scanTarget } from "../src/shared/routes";

const TOKEN = "q3V9x_Yb-2lTnR0aKc8mWp1Z";

describe("routes", () => {
  it("parses every screen and round-trips it", () => {
    for (const path of [
      "/",
      "/scan",
      "/inbox",
      "/settings",
      "/line",
      `/a/${TOKEN}`,
      `/p/${TOKEN}`,
      `/b/${TOKEN}`,
      "/wo/0193f7c0-1b2c-7d3e-8f40-5a6b7c8d9e0f",
    ]) {
      expect(routePath(parseRoute(path))).toBe(path);
    }
  });

  it("treats unknown paths as not found", () => {
    expect(parseRoute("/nope")).toEqual({ name: "notfound", path: "/nope" });
    expect(parseRoute("/a/short").name).toBe("notfound");
    expect(parseRoute(`/a/${TOKEN}/extra`).name).toBe("notfound");
  });
});

describe("labelToken", () => {
  it("reads a label URL of any host, a path or a bare token", () => {
    expect(labelToken(`https://gemba.example.com/a/${TOKEN}`)).toBe(TOKEN);
    expect(labelToken(`http://127.0.0.1:8000/a/${TOKEN}/`)).toBe(TOKEN);
    expect(labelToken(`/a/${TOKEN}`)).toBe(TOKEN);
    expect(labelToken(`  ${TOKEN}\n`)).toBe(TOKEN);
  });

  it("refuses what is not a Gemba label", () => {
    expect(labelToken("https://example.com/product/123")).toBeNull();
    expect(labelToken("WIFI:S:plant;T:WPA;P:secret;;")).toBeNull();
    expect(labelToken("")).toBeNull();
  });
});

describe("scanTarget", () => {
  it("tells asset, part and bin labels apart, on any host", () => {
    expect(scanTarget(`https://gemba.example.com/a/${TOKEN}`)).toEqual({ kind: "asset", token: TOKEN });
    expect(scanTarget(`http://127.0.0.1:8000/p/${TOKEN}`)).toEqual({ kind: "part", token: TOKEN });
    expect(scanTarget(`/b/${TOKEN}/`)).toEqual({ kind: "bin", token: TOKEN });
    expect(labelPath({ kind: "bin", token: TOKEN })).toBe(`/b/${TOKEN}`);
  });

  it("takes a bare token as what the screen asks for, or refuses it", () => {
    expect(scanTarget(TOKEN)).toEqual({ kind: "asset", token: TOKEN });
    expect(scanTarget(TOKEN, "part")).toEqual({ kind: "part", token: TOKEN });
    expect(scanTarget(TOKEN, null)).toBeNull();
    expect(scanTarget(`https://example.com/x/${TOKEN}`)).toBeNull();
    expect(scanTarget("WIFI:S:plant;;")).toBeNull();
  });
});

describe("appPath", () => {
  it("keeps app paths and drops anything leaving the app", () => {
    expect(appPath("/wo/42")).toBe("/wo/42");
    expect(appPath("https://evil.example/wo/42")).toBe("/");
    expect(appPath("//evil.example/wo/42")).toBe("/");
    expect(appPath("/unknown/place")).toBe("/");
    expect(appPath(42)).toBe("/");
  });
});
