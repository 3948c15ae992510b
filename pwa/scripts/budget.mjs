// Prints the gzipped size of the JavaScript the app loads at start (the entry and its static
// imports, from Vite's build manifest) and of the parts loaded later; fails over the budget.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 200 * 1024;
const dist = new URL("../dist/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const dep of chunk.imports ?? []) visit(dep);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);

const lazy = new Set();
for (const chunk of Object.values(manifest)) {
  if (!initial.has(chunk.file) && chunk.file.endsWith(".js")) lazy.add(chunk.file);
  for (const asset of chunk.assets ?? []) if (asset.endsWith(".wasm")) lazy.add(asset);
}

let total = 0;
console.log("\ninitial JavaScript (gzipped):");
for (const file of initial) {
  const size = gz(file);
  total += size;
  console.log(`  ${file.padEnd(48)} ${kb(size)}`);
}
console.log(`  ${"total".padEnd(48)} ${kb(total)}  (budget ${kb(BUDGET)})`);
console.log("loaded on demand (gzipped):");
for (const file of lazy) console.log(`  ${file.padEnd(48)} ${kb(gz(file))}`);
console.log(`service worker: sw.js ${kb(gz("sw.js"))} gzipped, ${kb(statSync(join(dist, "sw.js")).size)} raw`);
if (total > BUDGET) {
  console.error(`\nThe initial JavaScript is ${kb(total)} gzipped, over the ${kb(BUDGET)} budget.`);
  process.exit(1);
}
