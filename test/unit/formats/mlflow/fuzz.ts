// Byte-level mutations for fuzz tests and `npm run fuzz` (driven by a seeded generator, see test/helpers/prng.ts):
// flips, truncation, insertions, deletions, duplicated ranges, tokens that parsers treat specially, splices of
// another input, huge numbers, deep nesting and invalid UTF-8.

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

/** Numbers at and past the edges of what parsers hold: doubles, 64-bit integers, exponents, many digits. */
const hugeNumbers = [
  '1e308',
  '1e309',
  '-1e999',
  '4.9e-324',
  '1e-400',
  '9007199254740993',
  '18446744073709551616',
  '-9223372036854775809',
  '0x7fffffffffffffff',
  '1'.repeat(5000),
  `0.${'0'.repeat(2000)}1`,
];

/** Openers that nest in JSON, YAML flow and block style; repeated up to a few thousand deep. */
const nesting = ['[', '{"a":', '- ', 'a:\n ', '[{'];

/** Byte sequences that are not UTF-8: lone continuation bytes, overlong forms, surrogates, truncated sequences. */
const invalidUtf8 = [
  [0x80],
  [0xc0, 0xaf],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xff, 0xfe],
];

/** A run of `opener` nested `depth` deep (block-style openers indent one more space per level). */
function nest(opener: string, depth: number): string {
  if (!opener.includes('\n')) return opener.repeat(depth);
  const lines: string[] = [];
  for (let i = 0; i < depth; i++) lines.push(`${' '.repeat(i)}${opener.trimEnd()}`);
  return lines.join('\n');
}

/**
 * One to four random mutations of `input` (which is left unchanged). `donors` are other valid inputs of the same
 * format that a splice may take a range from.
 */
export function mutate(input: Uint8Array, next: () => number, donors: readonly Uint8Array[] = []): Buffer {
  let bytes = Buffer.from(input);
  const rounds = 1 + Math.floor(next() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(next() * (bytes.length + 1));
    const kind = Math.floor(next() * 11);
    if (kind >= 7) {
      let piece: Buffer;
      if (kind === 7) {
        // splice: a range of another input (or of this one) in place of a range of this one
        const donor = donors.length ? donors[Math.floor(next() * donors.length)] : bytes;
        const from = Math.floor(next() * (donor.length + 1));
        piece = Buffer.from(donor.subarray(from, from + Math.floor(next() * 256)));
      } else if (kind === 8) piece = Buffer.from(hugeNumbers[Math.floor(next() * hugeNumbers.length)]);
      else if (kind === 9)
        piece = Buffer.from(nest(nesting[Math.floor(next() * nesting.length)], 1 + Math.floor(next() ** 3 * 4000)));
      else piece = Buffer.from(invalidUtf8[Math.floor(next() * invalidUtf8.length)]);
      const end = kind === 7 ? Math.min(bytes.length, at + Math.floor(next() * 64)) : at;
      bytes = Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(end)]);
      continue;
    }
    switch (kind) {
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
