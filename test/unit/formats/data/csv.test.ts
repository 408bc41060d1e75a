import assert from 'node:assert/strict';
import { CsvParser, detectDialect, detectEncoding, readCsv } from '../../../../src/core/formats/data/csv';
import { JsonLineSplitter, readJsonl } from '../../../../src/core/formats/data/jsonl';
import { type DataSource, type RowSink } from '../../../../src/core/formats/data/source';

function collect(): RowSink & { names: string[]; rows: unknown[][]; lines: number[]; bads: [number, string][] } {
  const out = {
    names: [] as string[],
    rows: [] as unknown[][],
    lines: [] as number[],
    bads: [] as [number, string][],
    columns(n: readonly string[]) {
      out.names = [...n];
    },
    row(cells: readonly unknown[], line: number) {
      out.rows.push([...cells]);
      out.lines.push(line);
    },
    bad(line: number, reason: string) {
      out.bads.push([line, reason]);
    },
  };
  return out;
}

const buffer = (bytes: Uint8Array | string, name = 't.csv'): DataSource => ({
  kind: 'buffer',
  bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes,
  name,
});

// Written by Python's csv.writer (QUOTE_MINIMAL, CRLF).
const HOSTILE =
  'id,name,amount,when,flag\r\n1,plain,10.5,2024-01-01,true\r\n2,"comma, inside",,2024-01-02,false\r\n3,"quote ""q"" inside",-3.25,,true\r\n4,"line\nbreak",7,2024-02-29,True\r\n5,,1000.0,2024-03-01,false\r\n6,naïve café,0.125,2024-03-02,\r\n';

describe('CSV reader', () => {
  it('reads hostile quoting: delimiters, doubled quotes and line breaks inside quotes, CRLF', () => {
    const sink = collect();
    const dialect = readCsv(buffer(HOSTILE), sink);
    assert.deepEqual(dialect, { delimiter: ',', quote: '"', header: true, encoding: 'utf-8' });
    assert.deepEqual(sink.names, ['id', 'name', 'amount', 'when', 'flag']);
    assert.deepEqual(
      sink.rows.map((r) => r[1]),
      ['plain', 'comma, inside', 'quote "q" inside', 'line\nbreak', '', 'naïve café'],
    );
    assert.deepEqual(sink.lines, [2, 3, 4, 5, 7, 8], 'rows keep their first physical line');
    assert.deepEqual(sink.bads, []);
  });

  it('gives the same records whatever the chunking', () => {
    const records: string[][] = [];
    const parser = new CsvParser(',', '"', (cells) => records.push([...cells]));
    for (const ch of HOSTILE) parser.push(ch);
    parser.end();
    const whole: string[][] = [];
    const p2 = new CsvParser(',', '"', (cells) => whole.push([...cells]));
    p2.push(HOSTILE);
    p2.end();
    assert.deepEqual(records, whole);
    assert.equal(records.length, 7);
  });

  it('counts bad rows with their line numbers: wrong field counts and an unclosed quote', () => {
    const sink = collect();
    readCsv(buffer('a,b\n1,2\n3\n4,5,6\n7,8\n"open,9\n'), sink);
    assert.deepEqual(sink.rows, [
      ['1', '2'],
      ['7', '8'],
    ]);
    assert.deepEqual(sink.bads, [
      [3, 'expected 2 fields, saw 1'],
      [4, 'expected 2 fields, saw 3'],
      [6, 'a quoted field is not closed'],
    ]);
  });

  it('detects delimiters (tab, semicolon, pipe) and a missing header', () => {
    assert.equal(detectDialect('a\tb\tc\n1\t2\t3\n').delimiter, '\t');
    assert.equal(detectDialect('a;b\n"1,5";2\n').delimiter, ';');
    assert.equal(detectDialect('a|b|c\n1|2|3\n').delimiter, '|');
    assert.equal(detectDialect('1,2,3\n4,5,6\n').header, false);
    assert.equal(detectDialect('x,y\n1,2\n').header, true);
    const sink = collect();
    readCsv(buffer('1,2\n3,4\n'), sink);
    assert.deepEqual(sink.names, ['0', '1']);
    assert.equal(sink.rows.length, 2);
  });

  it('detects encodings: UTF-8 with and without BOM, UTF-16 LE/BE by BOM, Windows-1252 otherwise', () => {
    assert.deepEqual(detectEncoding(Buffer.from('\ufeffa,b\n', 'utf8')), { encoding: 'utf-8', bom: 3 });
    assert.deepEqual(detectEncoding(Buffer.from('é,b\n', 'utf8')), { encoding: 'utf-8', bom: 0 });
    assert.deepEqual(detectEncoding(Buffer.from('\ufeffa', 'utf16le')), { encoding: 'utf-16le', bom: 2 });
    assert.deepEqual(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x61])), { encoding: 'utf-16be', bom: 2 });
    assert.deepEqual(detectEncoding(Buffer.from('caf\xe9,b\n', 'latin1')), { encoding: 'windows-1252', bom: 0 });
    for (const [bytes, encoding] of [
      [Buffer.from('\ufeffname,n\ncafé,1\n', 'utf16le'), 'utf-16le'],
      [Buffer.from('name,n\ncaf\xe9,1\n', 'latin1'), 'windows-1252'],
      [Buffer.from('\ufeffname,n\ncafé,1\n', 'utf8'), 'utf-8'],
    ] as const) {
      const sink = collect();
      assert.equal(readCsv(buffer(bytes), sink).encoding, encoding);
      assert.deepEqual(sink.names, ['name', 'n'], encoding);
      assert.deepEqual(sink.rows, [['café', '1']], encoding);
    }
  });

  it('keeps a trailing empty field and a last line without a line end', () => {
    const sink = collect();
    readCsv(buffer('a,b\n1,\n2,3'), sink);
    assert.deepEqual(sink.rows, [
      ['1', ''],
      ['2', '3'],
    ]);
  });
});

describe('JSON Lines reader', () => {
  it('unions keys in first-seen order, counts bad lines, skips blank lines', () => {
    const sink = collect();
    readJsonl(buffer('{"a":1,"b":"x"}\n\nnot json\n[1,2]\n{"b":"y","c":[1,2]}\r\n{"a":null}'), sink);
    assert.deepEqual(sink.names, ['a', 'b', 'c']);
    assert.deepEqual(sink.rows, [
      [1, 'x'],
      [null, 'y', [1, 2]],
      [null, null, null],
    ]);
    assert.deepEqual(sink.lines, [1, 5, 6]);
    assert.deepEqual(sink.bads, [
      [3, 'not valid JSON'],
      [4, 'not a JSON object'],
    ]);
  });
});

describe('JSON Lines splitter (the one splitter of the dataset and prediction-log readers)', () => {
  const split = (parts: Uint8Array[], maxLineBytes = Infinity, fileStart = true) => {
    const lines: [number, string][] = [];
    const tooLong: number[] = [];
    const splitter = new JsonLineSplitter(
      (buf, start, end, line) => lines.push([line, buf.toString('utf8', start, end)]),
      maxLineBytes,
      (line) => tooLong.push(line),
      fileStart,
    );
    // One reused buffer, as the file reader hands out: a kept line start must survive the next chunk.
    const reused = Buffer.alloc(Math.max(1, ...parts.map((p) => p.length)));
    for (const part of parts) {
      reused.set(part);
      splitter.push(reused.subarray(0, part.length));
      reused.fill(0x21);
    }
    splitter.end();
    return { lines, tooLong };
  };
  const text = '\ufeff{"a":"é"}\r\n\n{"b":2}\n{"long":"' + 'x'.repeat(40) + '"}\n{"c":3}';
  const bytes = Buffer.from(text, 'utf8');

  it('gives the same lines whole and byte by byte from a reused buffer: BOM dropped, CR kept, last line without LF', () => {
    const whole = split([bytes]);
    const byByte = split(Array.from(bytes, (b) => Uint8Array.of(b)));
    assert.deepEqual(byByte, whole);
    assert.deepEqual(
      whole.lines.map(([n]) => n),
      [1, 2, 3, 4, 5],
    );
    assert.equal(whole.lines[0][1], '{"a":"é"}\r');
    assert.equal(whole.lines[1][1], '');
    assert.equal(whole.lines[4][1], '{"c":3}');
    assert.deepEqual(whole.tooLong, []);
  });

  it('skips a line over the byte limit, whole or spread over chunks, and numbers the next lines on', () => {
    for (const parts of [
      [bytes],
      Array.from(bytes, (b) => Uint8Array.of(b)),
      [bytes.subarray(0, 30), bytes.subarray(30)],
    ]) {
      const out = split(parts, 20);
      assert.deepEqual(out.tooLong, [4]);
      assert.deepEqual(
        out.lines.map(([n]) => n),
        [1, 2, 3, 5],
      );
    }
  });

  it('keeps a byte order mark in the middle of a file (a part read from its middle)', () => {
    const out = split([Buffer.from('\ufeff{"a":1}\n', 'utf8')], Infinity, false);
    assert.equal(out.lines[0][1], '\ufeff{"a":1}');
  });
});

describe('CSV record limit (found by fuzzing the prediction-log reader)', () => {
  const run = (chunks: string[], maxRecordChars: number) => {
    const records: [number, string[]][] = [];
    const tooLong: number[] = [];
    const parser = new CsvParser(',', '"', (cells, line) => records.push([line, [...cells]]), undefined, {
      maxRecordChars,
      onTooLong: (line) => tooLong.push(line),
    });
    for (const chunk of chunks) parser.push(chunk);
    parser.push('', true);
    parser.end();
    return { records, tooLong };
  };

  it('drops a record past the limit, says where it started, and reads on from the next line', () => {
    const long = 'x'.repeat(500);
    const out = run(['a,b\n1,2\n', `3,${long.slice(0, 200)}`, long, long, `${long}\n5,6\n`, '7,8\n'], 1000);
    assert.deepEqual(out.tooLong, [3]);
    // Within one chunk too.
    assert.deepEqual(run([`a,b\n1,${long}${long}${long}\n5,6\n`], 1000).tooLong, [2]);
    assert.deepEqual(out.records, [
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [4, ['5', '6']],
      [5, ['7', '8']],
    ]);
  });

  it('drops an unclosed quote that runs past the limit, counting the lines it spanned', () => {
    const out = run(['a,b\n"open,', 'y\n'.repeat(300), 'z\n1,2\n'], 100);
    assert.deepEqual(out.tooLong, [2]);
    // The record from line 2 and the rest of the line where skipping stopped are gone; later lines keep their numbers.
    assert.equal(out.records[0][0], 1);
    assert.deepEqual(out.records.at(-1), [303, ['1', '2']]);
  });

  it('reads a record spread over thousands of chunks without scanning it again for each (8 MB in 2,000 chunks)', () => {
    const cell = 'v'.repeat(4096);
    const chunks = ['a,b\n1,', ...Array.from({ length: 2000 }, () => cell), '\n2,3\n'];
    const started = performance.now();
    const out = run(chunks, 16 * 1024 * 1024);
    const took = performance.now() - started;
    assert.deepEqual(
      out.records.map(([line, cells]) => [line, cells.length, cells[1].length]),
      [
        [1, 2, 1],
        [2, 2, 4096 * 2000],
        [3, 2, 1],
      ],
    );
    // Scanning it once per chunk would read 8 GB.
    assert.ok(took < 5000, `took ${took.toFixed(0)} ms`);
  });
});
