import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  documentMetrics,
  flattenParams,
  formatOf,
  parseDelimitedText,
  parseJsonText,
  parseMetricsDocument,
  parseNumber,
  readFileRun,
  MetricsSyntaxError,
  parseStructuredText,
  readMetricsDocument,
} from '../../../../src/core/formats/metricsFiles/parse';
import { MetricsError } from '../../../../src/core/metrics/model';

function throwsAt(fn: () => unknown, line: number, column: number, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof MetricsError, `a MetricsError, got ${String(err)}`);
    assert.equal(err.position?.line, line, `line in ${err.message}`);
    assert.equal(err.position?.column, column, `column in ${err.message}`);
    assert.match(err.message, new RegExp(`:${line}:${column}: `));
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('metrics files: JSON', () => {
  it('flattens nested scalar leaves with dots, keeping numbers, strings and booleans (DVC semantics)', () => {
    const doc = parseMetricsDocument(
      '{"train": {"loss": 0.5, "acc": 0.9}, "model": "resnet", "ok": true, "n": 3}',
      'm.json',
    );
    assert.deepEqual(
      [...doc.scalars],
      [
        ['train.loss', 0.5],
        ['train.acc', 0.9],
        ['model', 'resnet'],
        ['ok', true],
        ['n', 3],
      ],
    );
    assert.deepEqual(doc.series, []);
  });

  it('ignores lists and nulls inside a mapping, as dvc metrics show does', () => {
    const doc = parseMetricsDocument('{"a": [1, 2], "b": null, "c": {"d": [], "e": 1}, "f": {}}', 'm.json');
    assert.deepEqual([...doc.scalars], [['c.e', 1]]);
  });

  it("accepts Python json's NaN, Infinity and -Infinity", () => {
    const doc = parseMetricsDocument('{"a": NaN, "b": Infinity, "c": -Infinity, "d": 1e999}', 'm.json');
    assert.ok(Number.isNaN(doc.scalars.get('a')));
    assert.equal(doc.scalars.get('b'), Infinity);
    assert.equal(doc.scalars.get('c'), -Infinity);
    assert.equal(doc.scalars.get('d'), Infinity);
  });

  it('keeps huge and tiny numbers as doubles', () => {
    const doc = parseMetricsDocument('{"big": 123456789012345678901234567890, "tiny": 5e-324, "neg": -0.0}', 'm.json');
    assert.equal(doc.scalars.get('big'), 1.2345678901234568e29);
    assert.equal(doc.scalars.get('tiny'), 5e-324);
    assert.ok(Object.is(doc.scalars.get('neg'), -0));
  });

  it('keeps keys with slashes, dots, spaces and HTML as they are', () => {
    const doc = parseMetricsDocument('{"a/b": 1, "c.d": 2, "e f": 3, "<b>x</b>": 4, "__proto__": 5}', 'm.json');
    assert.deepEqual([...doc.scalars.keys()], ['a/b', 'c.d', 'e f', '<b>x</b>', '__proto__']);
    assert.equal(doc.scalars.get('__proto__'), 5);
  });

  it('names the line and column of a syntax error', () => {
    throwsAt(
      () => parseMetricsDocument('{\n  "a": 1,\n  "b" 2\n}', 'metrics/eval.json'),
      3,
      7,
      /metrics\/eval\.json:3:7: expected ':'/,
    );
    throwsAt(() => parseMetricsDocument('{"a": [1, 2,]}', 'm.json'), 1, 13, /unexpected character/);
    throwsAt(() => parseMetricsDocument('{"a": 01}', 'm.json'), 1, 8);
    throwsAt(() => parseMetricsDocument('{"a": 1} x', 'm.json'), 1, 10, /after the JSON value/);
    throwsAt(() => parseMetricsDocument("{'a': 1}", 'm.json'), 1, 2, /double quotes/);
  });

  it('reports a truncated file at its end, and an unclosed string where it starts', () => {
    throwsAt(() => parseMetricsDocument('{\n  "train": {"loss": 0.5,', 'm.json'), 2, 25, /ends too early/);
    throwsAt(() => parseMetricsDocument('{"a": "abc', 'm.json'), 1, 7, /never closed/);
  });

  it('refuses an empty JSON file (as DVC does) and accepts an empty YAML file (no metrics)', () => {
    throwsAt(() => parseMetricsDocument('', 'm.json'), 1, 1, /empty/);
    throwsAt(() => parseMetricsDocument('  \n ', 'm.json'), 2, 2, /empty/);
    assert.equal(parseMetricsDocument('', 'm.yaml').scalars.size, 0);
  });

  it('refuses bytes that are not UTF-8, naming where they are', () => {
    const bytes = Buffer.concat([Buffer.from('{"a": 1,\n "b": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    throwsAt(() => parseMetricsDocument(bytes, 'm.json'), 2, 8, /not UTF-8.*0xff/);
    // A truncated multi-byte character at the end.
    throwsAt(() => parseMetricsDocument(Buffer.from([0x7b, 0xe2, 0x82]), 'm.json'), 1, 2);
  });

  it('drops a UTF-8 byte-order mark', () => {
    const doc = parseMetricsDocument(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": 1}')]),
      'm.json',
    );
    assert.equal(doc.scalars.get('a'), 1);
  });

  it('refuses nesting deeper than 1000 levels without overflowing the stack', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    assert.throws(() => parseJsonText(deep.slice(0, -1), 'm.json'), MetricsError);
    assert.throws(
      () => parseMetricsDocument('{"a":'.repeat(3000) + '1' + '}'.repeat(3000), 'm.json'),
      /nesting deeper than 1000/,
    );
  });

  it('names a bare scalar file after the file', () => {
    assert.deepEqual([...parseMetricsDocument('0.93', 'metrics/accuracy.json').scalars], [['accuracy', 0.93]]);
  });

  it('turns a list of records into per-step series (x = step, else the row index)', () => {
    const doc = parseMetricsDocument(
      '[{"step": 10, "loss": 0.5, "name": "a"}, {"step": 20, "loss": 0.25, "name": "b"}]',
      'p.json',
    );
    assert.deepEqual(doc.series, [
      {
        key: 'loss',
        baseKey: 'loss',
        points: [
          { step: 10, value: 0.5 },
          { step: 20, value: 0.25 },
        ],
      },
    ]);
    const noStep = parseMetricsDocument('[{"precision": 1, "recall": 0}, {"precision": 0.5, "recall": 1}]', 'prc.json');
    assert.deepEqual(
      noStep.series.map((s) => [s.key, s.points]),
      [
        [
          'precision',
          [
            { step: 0, value: 1 },
            { step: 1, value: 0.5 },
          ],
        ],
        [
          'recall',
          [
            { step: 0, value: 0 },
            { step: 1, value: 1 },
          ],
        ],
      ],
    );
  });

  it("finds a declared plot's first list of records inside a mapping (DVC plots)", () => {
    const text = '{"meta": {"v": 1}, "prc": [{"precision": 1, "recall": 0}]}';
    assert.deepEqual(
      parseMetricsDocument(text, 'plots/prc.json', { asPlot: true }).series.map((s) => s.key),
      ['precision', 'recall'],
    );
    assert.deepEqual([...parseMetricsDocument(text, 'plots/prc.json').scalars], [['meta.v', 1]]);
  });
});

describe('metrics files: YAML', () => {
  it('reads nested YAML with .nan and .inf, YAML 1.2 booleans, and merge keys', () => {
    const doc = parseMetricsDocument(
      'base: &b\n  f1: 0.5\ntest:\n  <<: *b\n  auc: .inf\nloss: .nan\nneg: -.inf\nok: true\nword: yes\n',
      'm.yaml',
    );
    assert.equal(doc.scalars.get('test.f1'), 0.5);
    assert.equal(doc.scalars.get('test.auc'), Infinity);
    assert.ok(Number.isNaN(doc.scalars.get('loss')));
    assert.equal(doc.scalars.get('neg'), -Infinity);
    assert.equal(doc.scalars.get('ok'), true);
    assert.equal(doc.scalars.get('word'), 'yes');
  });

  it('uses YAML for any extension other than json, toml, csv and tsv, like DVC', () => {
    assert.equal(formatOf('a/b.yml'), 'yaml');
    assert.equal(formatOf('metrics.txt'), 'yaml');
    assert.equal(formatOf('M.JSON'), 'json');
    assert.equal(formatOf('x.tsv'), 'tsv');
    assert.equal(formatOf('pyproject.toml'), 'toml');
    assert.equal(formatOf('metrics.TOML'), 'toml');
  });

  it('names the line and column of a YAML error', () => {
    throwsAt(() => parseMetricsDocument('a: 1\nb: [1, 2\nc: 3\n', 'm.yaml'), 3, 1, /Flow sequence/);
    throwsAt(() => parseMetricsDocument('a: 1\na: 2\n', 'm.yaml'), 2, 1, /unique/i);
    throwsAt(() => parseMetricsDocument('a:\n  b: 1\n c: 2\n', 'm.yaml'), 3, 1, /same column/);
  });

  it('refuses alias bombs with a MetricsError', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    assert.throws(() => parseMetricsDocument(lines.join('\n'), 'bomb.yaml'), MetricsError);
  });
});

describe('metrics files: TOML', () => {
  const text =
    'acc = 0.9\nloss = nan\nbest = inf\nnote = "ok"\nflag = true\nbig = 9007199254740993\n' +
    'when = 2026-03-02T10:00:00Z\nscores = [1, 2]\n[eval]\nf1 = 0.8\ntest.roc_auc = -inf\n';

  it('reads tables, dotted keys, nan and inf, strings, booleans, big integers and dates (what tomllib reads)', () => {
    const doc = parseMetricsDocument(text, 'metrics.toml');
    assert.equal(doc.format, 'toml');
    assert.deepEqual(
      [...doc.scalars.keys()],
      ['acc', 'loss', 'best', 'note', 'flag', 'big', 'when', 'eval.f1', 'eval.test.roc_auc'],
    );
    assert.equal(doc.scalars.get('acc'), 0.9);
    assert.ok(Number.isNaN(doc.scalars.get('loss')));
    assert.equal(doc.scalars.get('best'), Infinity);
    assert.equal(doc.scalars.get('eval.test.roc_auc'), -Infinity);
    assert.equal(doc.scalars.get('note'), 'ok');
    assert.equal(doc.scalars.get('flag'), true);
    assert.equal(doc.scalars.get('big'), 9007199254740992);
    assert.equal(doc.scalars.get('when'), '2026-03-02T10:00:00.000Z');
    const { metrics, textMetrics } = documentMetrics(doc);
    assert.deepEqual(
      metrics.map((m) => [m.key, m.points[0].value]),
      [
        ['acc', 0.9],
        ['loss', NaN],
        ['best', Infinity],
        ['flag', 1],
        ['big', 9007199254740992],
        ['eval.f1', 0.8],
        ['eval.test.roc_auc', -Infinity],
      ],
    );
    assert.deepEqual(textMetrics, [
      { key: 'note', value: 'ok' },
      { key: 'when', value: '2026-03-02T10:00:00.000Z' },
    ]);
  });

  it('reads params from TOML with the same flattening as YAML', () => {
    assert.deepEqual(
      flattenParams(parseStructuredText('lr = 0.01\n[model]\nlayers = [64, 32]\n', 'p.toml'), 'p.toml'),
      {
        lr: '0.01',
        'model.layers': '[64, 32]',
      },
    );
  });

  it('names the line of a TOML error, and quotes it', () => {
    throwsAt(
      () => parseMetricsDocument('[t]\n  this is not toml\n', 'm.toml'),
      2,
      3,
      /cannot read 'this is not toml' as TOML/,
    );
    throwsAt(() => parseMetricsDocument('a = 1\na = 2\n', 'm.toml'), 2, 1, /m\.toml:2:1: .*redefine/);
    assert.throws(
      () => parseMetricsDocument('a = [1,\n', 'm.toml'),
      (err: unknown) => err instanceof MetricsSyntaxError && err.format === 'toml' && err.position?.line !== undefined,
    );
  });
});

describe('metrics files: CSV and TSV', () => {
  it('makes a series of every numeric column, x from the step column, timestamps kept', () => {
    const doc = parseMetricsDocument(
      'timestamp\tstep\tloss\n1700000000000\t0\t0.9\n1700000001000\t1\t0.5\n',
      'dvclive/plots/metrics/loss.tsv',
    );
    assert.deepEqual(doc.series, [
      {
        key: 'loss',
        baseKey: 'loss',
        points: [
          { step: 0, value: 0.9, timestamp: 1700000000000 },
          { step: 1, value: 0.5, timestamp: 1700000001000 },
        ],
      },
    ]);
  });

  it('keeps nan and inf in any case, skips text columns and empty cells', () => {
    const doc = parseMetricsDocument(
      'epoch,val_loss,note,acc\n1,nan,ok,0.5\n2,INF,"a, b",\n3,-Infinity,x,0.7\n',
      'h.csv',
    );
    const loss = doc.series.find((s) => s.key === 'val_loss')!;
    assert.equal(loss.split, 'validation');
    assert.equal(loss.baseKey, 'loss');
    assert.ok(Number.isNaN(loss.points[0].value));
    assert.equal(loss.points[1].value, Infinity);
    assert.equal(loss.points[2].value, -Infinity);
    assert.deepEqual(doc.series.find((s) => s.key === 'acc')!.points, [
      { step: 0, value: 0.5 },
      { step: 2, value: 0.7 },
    ]);
    assert.equal(
      doc.series.find((s) => s.key === 'note'),
      undefined,
    );
    assert.deepEqual(
      doc.series.find((s) => s.key === 'epoch')!.points.map((p) => p.value),
      [1, 2, 3],
    );
  });

  it('handles quotes, doubled quotes, CRLF and a quoted field across lines', () => {
    const table = parseDelimitedText('a,"b ""x"""\r\n1,"multi\nline"\r\n2,3', 't.csv', ',');
    assert.deepEqual(table.columns, ['a', 'b "x"']);
    assert.deepEqual(table.rows, [
      ['1', 'multi\nline'],
      ['2', '3'],
    ]);
    assert.deepEqual(table.lines, [2, 4]);
  });

  it('accepts a short last row (a file being written) but refuses extra fields, with the line', () => {
    assert.deepEqual(
      parseMetricsDocument('step,loss,acc\n0,0.5,0.1\n1,0.4', 'h.csv').series.map((s) => s.points.length),
      [2, 1],
    );
    throwsAt(() => parseMetricsDocument('step,loss\n0,0.5\n1,0.4,9\n', 'h.csv'), 3, 1, /3 fields but the header has 2/);
  });

  it('reports an unclosed quote where it opens and text after a closing quote', () => {
    throwsAt(() => parseMetricsDocument('a,b\n1,"oops\n2,3\n', 'h.csv'), 2, 3, /never closed/);
    throwsAt(() => parseMetricsDocument('a,b\n1,"x"y\n', 'h.csv'), 2, 6, /after a closing quote/);
  });

  it('gives no series for an empty file or a header alone', () => {
    assert.deepEqual(parseMetricsDocument('', 'h.csv').series, []);
    assert.deepEqual(parseMetricsDocument('step,loss\n', 'h.csv').series, []);
  });

  it('parses numbers strictly', () => {
    assert.equal(parseNumber(' 1.5e3 '), 1500);
    assert.equal(parseNumber('.5'), 0.5);
    assert.equal(parseNumber('5.'), 5);
    assert.equal(parseNumber('0x10'), undefined);
    assert.equal(parseNumber('1,5'), undefined);
    assert.equal(parseNumber(''), undefined);
    assert.equal(parseNumber('-inf'), -Infinity);
    assert.ok(Number.isNaN(parseNumber('NaN')));
  });
});

describe('metrics files: reading from disk', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-files-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a file into a Run with one-point series, text metrics and splits', async () => {
    const file = path.join(dir, 'eval.json');
    fs.writeFileSync(file, JSON.stringify({ test: { f1: 0.8 }, model: 'rf', converged: false }));
    const run = await readFileRun(file);
    assert.equal(run.source.kind, 'file');
    assert.equal(run.id, file);
    assert.equal(run.label, 'eval.json');
    assert.deepEqual(
      run.metrics.map((s) => [s.key, s.split, s.baseKey, s.points.map((p) => p.value)]),
      [
        ['test.f1', 'test', 'f1', [0.8]],
        ['converged', undefined, 'converged', [0]],
      ],
    );
    assert.deepEqual(run.textMetrics, [{ key: 'model', value: 'rf' }]);
    assert.equal(typeof run.time, 'number');
  });

  it('reads a TOML file into a Run like a JSON file with the same values', async () => {
    const toml = path.join(dir, 'eval.toml');
    const json = path.join(dir, 'same.json');
    fs.writeFileSync(toml, 'model = "rf"\n[test]\nf1 = 0.8\nloss = nan\n');
    fs.writeFileSync(json, '{"model": "rf", "test": {"f1": 0.8, "loss": NaN}}');
    const [fromToml, fromJson] = await Promise.all([readFileRun(toml), readFileRun(json)]);
    const values = (run: typeof fromToml) => run.metrics.map((s) => [s.key, s.split, s.points.map((p) => p.value)]);
    assert.deepEqual(values(fromToml), [
      ['test.f1', 'test', [0.8]],
      ['test.loss', 'test', [NaN]],
    ]);
    assert.deepEqual(values(fromToml), values(fromJson));
    assert.deepEqual(fromToml.textMetrics, [{ key: 'model', value: 'rf' }]);
  });

  it('names a missing file, a folder and an oversized file', async () => {
    await assert.rejects(readMetricsDocument(path.join(dir, 'nope.json')), /nope\.json does not exist/);
    await assert.rejects(readMetricsDocument(dir), /is a folder/);
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 65 * 1024 * 1024);
    await assert.rejects(
      readMetricsDocument(big),
      (err: unknown) => err instanceof MetricsError && /more than a metrics file should hold/.test(err.message),
    );
  });

  it('reads keys with HTML and spaces into series unchanged', async () => {
    const file = path.join(dir, 'odd.yaml');
    fs.writeFileSync(file, '"<img src=x onerror=alert(1)>": 1\n"a b/c.d": 2\n');
    const doc = await readMetricsDocument(file);
    assert.deepEqual(
      documentMetrics(doc).metrics.map((s) => s.key),
      ['<img src=x onerror=alert(1)>', 'a b/c.d'],
    );
  });
});

describe('params flattening', () => {
  it('flattens mappings, keeps lists as one value and formats like DVC shows them', () => {
    assert.deepEqual(
      flattenParams(
        { train: { lr: 0.001, layers: [64, 32], opt: 'adam', w: null, on: true, deep: { x: 'a' } }, inf: Infinity },
        'p.yaml',
      ),
      {
        'train.lr': '0.001',
        'train.layers': '[64, 32]',
        'train.opt': 'adam',
        'train.w': 'null',
        'train.on': 'true',
        'train.deep.x': 'a',
        inf: 'inf',
      },
    );
  });
});
