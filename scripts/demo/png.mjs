// Tiny deterministic PNG charts for the demo notebooks' outputs (RGB, zlib-compressed, CRC-checked chunks).
import zlib from 'node:zlib';

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A 160x90 chart ('bars' or 'curve') as base64 PNG, drawn from the PRNG. */
export function pngChart(rng, kind, width = 160, height = 90) {
  const px = Buffer.alloc(width * height * 3, 255);
  const set = (x, y, [r, g, b]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = (y * width + x) * 3;
    px[o] = r;
    px[o + 1] = g;
    px[o + 2] = b;
  };
  for (let x = 10; x < width - 5; x++) set(x, height - 10, [80, 80, 80]);
  for (let y = 5; y < height - 10; y++) set(10, y, [80, 80, 80]);
  if (kind === 'bars') {
    const bars = 8;
    for (let b = 0; b < bars; b++) {
      const h = Math.floor(10 + rng.next() * (height - 25));
      const x0 = 14 + b * 17;
      for (let x = x0; x < x0 + 12; x++) for (let y = height - 11; y > height - 11 - h; y--) set(x, y, [31, 119, 180]);
    }
  } else {
    let prev = height - 15;
    for (let x = 11; x < width - 5; x++) {
      const t = (x - 11) / (width - 16);
      const y = Math.round(height - 15 - (height - 30) * (1 - Math.exp(-5 * t)) + 2 * (rng.next() - 0.5));
      for (let yy = Math.min(prev, y); yy <= Math.max(prev, y); yy++) set(x, yy, [214, 39, 40]);
      prev = y;
    }
  }
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) px.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return png.toString('base64');
}
