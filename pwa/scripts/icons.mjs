// Draws the app icons (PNG) into public/icons: a white ring and dot on the brand colour.
// Run with `npm run icons` after changing the design; the PNGs are part of the source tree.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "icons");
const BRAND = [0x0d, 0x3b, 0x66];
const WHITE = [0xff, 0xff, 0xff];
const SAMPLES = 4;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Colour at (x, y) in unit coordinates [0, 1): background shape, then the mark on top. */
function shade(u, v, { corner, scale, background }) {
  const dx = u - 0.5;
  const dy = v - 0.5;
  let inside = true;
  if (corner > 0) {
    const qx = Math.max(Math.abs(dx) - (0.5 - corner), 0);
    const qy = Math.max(Math.abs(dy) - (0.5 - corner), 0);
    inside = qx * qx + qy * qy <= corner * corner;
  }
  if (!inside) return null;
  const r = Math.hypot(dx, dy) / scale;
  const mark = (r >= 0.27 && r <= 0.37) || r <= 0.12;
  if (mark) return WHITE;
  return background ? BRAND : null;
}

function draw(size, options) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = shade((x + (sx + 0.5) / SAMPLES) / size, (y + (sy + 0.5) / SAMPLES) / size, options);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const i = (y * size + x) * 4;
      rgba[i] = a ? Math.round(r / a) : 0;
      rgba[i + 1] = a ? Math.round(g / a) : 0;
      rgba[i + 2] = a ? Math.round(b / a) : 0;
      rgba[i + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
    }
  }
  return png(size, rgba);
}

const ICONS = [
  ["icon-192.png", 192, { corner: 0.18, scale: 1, background: true }],
  ["icon-512.png", 512, { corner: 0.18, scale: 1, background: true }],
  ["maskable-512.png", 512, { corner: 0, scale: 0.72, background: true }],
  ["apple-touch-icon.png", 180, { corner: 0, scale: 0.85, background: true }],
  ["badge-96.png", 96, { corner: 0, scale: 1.2, background: false }],
];

mkdirSync(OUT, { recursive: true });
for (const [name, size, options] of ICONS) {
  const path = join(OUT, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, draw(size, options));
  console.log(`${name} ${size}x${size}`);
}
