// Byte-level mutations for fuzz tests (driven by a seeded generator, see test/helpers/prng.ts): flips, truncation,
// insertions, deletions, duplicated ranges and tokens that parsers treat specially.

const tokens = [
  '\n',
  ' ',
  '\0',
  'nan',
  '-inf',
  '9'.repeat(400),
  ':',
  '- ',
  '&a',
  '*a',
  '[',
  '{',
  '"',
  "'",
  '\r\n',
  '\ufffd',
  '\u00ff',
];

/** One to four random mutations of `input` (which is left unchanged). */
export function mutate(input: Uint8Array, next: () => number): Buffer {
  let bytes = Buffer.from(input);
  const rounds = 1 + Math.floor(next() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(next() * (bytes.length + 1));
    switch (Math.floor(next() * 7)) {
      case 0: // flip bits of a few bytes
        for (let i = 0; i < 1 + next() * 4 && bytes.length; i++)
          bytes[Math.floor(next() * bytes.length)] ^= 1 << Math.floor(next() * 8);
        break;
      case 1: // truncate
        bytes = bytes.subarray(0, at);
        break;
      case 2: // insert random bytes
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(Array.from({ length: 1 + Math.floor(next() * 16) }, () => Math.floor(next() * 256))),
          bytes.subarray(at),
        ]);
        break;
      case 3: // delete a range
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(Math.min(bytes.length, at + 1 + Math.floor(next() * 32))),
        ]);
        break;
      case 4: // duplicate a range
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(at, at + Math.floor(next() * 64)),
          bytes.subarray(at),
        ]);
        break;
      case 5: // insert a special token
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(tokens[Math.floor(next() * tokens.length)]),
          bytes.subarray(at),
        ]);
        break;
      default: // overwrite one byte with an extreme value
        if (bytes.length) bytes[Math.floor(next() * bytes.length)] = next() < 0.5 ? 0xff : 0x00;
    }
  }
  return bytes;
}
