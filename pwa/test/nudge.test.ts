import { describe, expect, it } from "vitest";

import { EventStreamParser } from "../src/sync/nudge";

describe("server-sent events", () => {
  it("reads pokes across chunk boundaries and ignores keepalive comments", () => {
    const parser = new EventStreamParser();
    expect(parser.push("event: po")).toEqual([]);
    expect(parser.push("ke\ndata: {}\n")).toEqual([]);
    expect(parser.push("\n: keepalive\n\n")).toEqual(["poke"]);
    expect(parser.push("event: poke\r\ndata: {}\r\n\r\nevent: poke\ndata: {}\n\n")).toEqual(["poke", "poke"]);
  });

  it("names events without an event field 'message'", () => {
    expect(new EventStreamParser().push("data: hello\n\n")).toEqual(["message"]);
  });
});
