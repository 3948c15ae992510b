/**
 * The mutations the app queues are the ones the server registers (`register(...)` calls in the
 * contexts' `mutators.py` or `mutators/` package and `backend/replication/registry.py`), name and
 * version alike.
 */
import { readFileSync, readdirSync, existsSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { MUTATIONS } from "../src/shared/mutations";

const BACKEND = new URL("../../backend/", import.meta.url);

function registered(): Set<string> {
  const files = [new URL("replication/registry.py", BACKEND)];
  const domain = new URL("domain/", BACKEND);
  for (const context of readdirSync(domain)) {
    const file = new URL(`${context}/mutators.py`, domain);
    if (existsSync(file)) files.push(file);
    const pkg = new URL(`${context}/mutators/`, domain);
    if (existsSync(pkg)) {
      for (const name of readdirSync(pkg)) if (name.endsWith(".py")) files.push(new URL(name, pkg));
    }
  }
  const found = new Set<string>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const match of readFileSync(file, "utf8").matchAll(/register\(\s*"([a-z_.]+)",\s*(\d+)/g)) {
      found.add(`${match[1]}@${match[2]}`);
    }
  }
  return found;
}

describe("mutation catalogue", () => {
  const server = registered();
  it.skipIf(server.size === 0)("only queues mutations the server registers", () => {
    const app = Object.values(MUTATIONS).map((kind) => `${kind.mutationName}@${kind.mutationVersion}`);
    expect(app.filter((name) => !server.has(name))).toEqual([]);
  });

  it("builds the wire envelope", () => {
    expect(MUTATIONS.hold({ id: "wo", base_version: 3, reason: "safety" })).toEqual({
      name: "workorder.hold",
      version: 1,
      args: { id: "wo", base_version: 3, reason: "safety" },
    });
  });
});
