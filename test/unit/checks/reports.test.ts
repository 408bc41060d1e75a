import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { formatJson } from '../../../src/core/checks/report/json';
import { escapeXmlAttribute, formatJunit } from '../../../src/core/checks/report/junit';
import { escapeMarkdownCell, formatMarkdown } from '../../../src/core/checks/report/markdown';
import { formatSarif, toSarif } from '../../../src/core/checks/report/sarif';
import { findings } from '../../../src/core/checks/report/common';
import { findingHint, formatProblems, problemLine, problemMessage } from '../../../src/core/checks/report/problems';
import { formatText } from '../../../src/core/checks/report/text';
import type { CheckReport, CheckResult } from '../../../src/core/checks/types';
import { contributedMatchers, matchProblems } from '../../helpers/problemMatcher';
import { FAKE, removeTempDirs, run } from './helpers';
import { parseXml, type XmlElement } from './xml';
import { AWKWARD_FILE, sampleRepo } from './sample';

const ROOT = path.resolve(__dirname, '../../../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'checks');

const all = (element: XmlElement, name: string): XmlElement[] => [
  ...(element.name === name ? [element] : []),
  ...element.children.flatMap((c) => all(c, name)),
];

describe('report formats', () => {
  let report: CheckReport;
  before(async () => {
    report = await run(sampleRepo());
  });
  after(removeTempDirs);

  it('finds something in every check of the sample', () => {
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.failed > 0]),
      [
        'thresholds',
        'regression',
        'naming',
        'large-files',
        'notebooks',
        'lineage',
        'staleness',
        'environment',
        'license',
      ].map((id) => [id, true]),
    );
  });

  it('text: colours only when asked, one line per finding with its location', () => {
    const plain = formatText(report);
    assert.ok(!plain.includes('\u001b['));
    assert.ok(formatText(report, { color: true }).includes('\u001b[31m'));
    assert.match(
      plain,
      /^ {2}error {3}metrics\/eval\.json:3:5 {2}churn: f1 \(test\) is 0\.78, below the minimum 0\.8 \(goal: maximize\)\.$/m,
    );
    assert.match(plain, /\n4 errors, 7 warnings, 2 info; \d+ passed, 0 skipped \(9 checks in \d+\.\d s\)\n$/);
    assert.ok(formatText(report, { verbose: true }).includes('pass    '), 'verbose lists passes');
  });

  it('problems: one matcher line per finding, at the location the editor uses, hint on the next line', () => {
    const text = formatProblems(report, { configFile: 'mlops.yaml' });
    const findingLines = text.split('\n').filter((l) => /^[^ ].*:\d+(:\d+)?: (error|warning|info) [\w-]+: /.test(l));
    const failing = report.results.filter((r) => r.status === 'fail' || r.status === 'error');
    assert.equal(findingLines.length, failing.length, 'one line per finding');
    assert.match(
      text,
      /^metrics\/eval\.json:3:5: error metric-threshold: churn: f1 \(test\) is 0\.78, below the minimum 0\.8 \(goal: maximize\)\.$/m,
    );
    assert.match(text, /\n4 errors, 7 warnings, 2 info\n$/);
    const base = {
      checkId: 'x',
      type: 'lineage',
      status: 'fail',
      severity: 'warning',
      target: 't',
      message: 'm\nn',
    } as const;
    assert.equal(problemLine({ ...base }, { configFile: 'mlops.yaml' }), 'mlops.yaml:1:1: warning lineage: m\\nn');
    assert.equal(
      problemLine({ ...base, location: { file: 'a b/c.ipynb' } }, { configFile: 'mlops.yaml' }),
      'a b/c.ipynb:1:1: warning lineage: m\\nn',
    );
    assert.equal(
      problemLine({ ...base, severity: 'info', location: { file: 'f.py', line: 7 } }, { configFile: 'x' }),
      'f.py:7: info lineage: m\\nn',
    );
    const hinted = failing.find((r) => r.hint);
    assert.ok(hinted, 'the sample has a finding with a hint');
    assert.ok(text.includes(`${problemLine(hinted, { configFile: 'mlops.yaml' })}\n    hint: `));
  });

  it('problems: VS Code’s $mlops matcher reads every finding with its hint, as the editor’s diagnostic message', () => {
    const noHint: CheckResult = {
      checkId: 'own-lineage',
      type: 'lineage',
      status: 'fail',
      severity: 'info',
      target: 't',
      message: 'A finding whose check gives no hint.',
      location: { file: 'src/train.py', line: 4 },
    };
    const withOne = { ...report, results: [...report.results, noHint] };
    const text = formatProblems(withOne, { configFile: 'mlops.yaml' });
    const failing = findings(withOne);
    assert.ok(failing.some((r) => r.hint) && failing.some((r) => !r.hint), 'findings with and without a hint');
    assert.equal(text.split('\n').filter((l) => l.startsWith('    hint: ')).length, failing.length, 'a hint line each');
    assert.match(
      text,
      /^src\/train\.py:4: info lineage: A finding whose check gives no hint\.\n {4}hint: Fix what it names, or change the check 'own-lineage' \(its severity, or enabled: false\)\.$/m,
    );
    const [$mlops] = contributedMatchers(ROOT);
    const read = matchProblems($mlops, text);
    assert.deepEqual(
      read,
      failing.map((r) => {
        const column = r.location?.line === undefined ? 1 : r.location.column;
        return {
          file: r.location?.file ?? 'mlops.yaml',
          line: String(r.location?.line ?? 1),
          ...(column === undefined ? {} : { column: String(column) }),
          severity: r.severity,
          code: r.type,
          message: problemMessage(r),
        };
      }),
    );
    assert.equal(problemMessage(noHint), `${noHint.message}\n${findingHint(noHint)}`);
  });

  it('JSON: versioned, with the tool, counts, checks and results', () => {
    const json = JSON.parse(formatJson(report, { toolVersion: '9.9.9' })) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['schemaVersion', 'tool', 'counts', 'checks', 'results', 'durationMs']);
    assert.equal(json.schemaVersion, 1);
    assert.deepEqual(json.tool, { name: 'mlops', version: '9.9.9' });
    assert.deepEqual(json.counts, report.counts);
  });

  it('JUnit: parses back, one testsuite per check, one testcase per target, failures with messages', () => {
    const xml = formatJunit(report);
    const doc = parseXml(xml);
    assert.equal(doc.name, 'testsuites');
    const suites = all(doc, 'testsuite');
    assert.deepEqual(
      suites.map((s) => s.attributes.name),
      report.checks.map((c) => c.id),
    );
    let failures = 0;
    for (const suite of suites) {
      const cases = all(suite, 'testcase');
      const own = report.results.filter((r) => r.checkId === suite.attributes.name);
      assert.equal(Number(suite.attributes.tests), new Set(own.map((r) => r.target)).size, suite.attributes.name);
      assert.equal(cases.length, Number(suite.attributes.tests));
      failures += Number(suite.attributes.failures);
      for (const testcase of cases) {
        const failure = testcase.children.find((c) => c.name === 'failure');
        if (!failure) continue;
        const first = own.find(
          (r) => r.target === testcase.attributes.name && r.status === 'fail' && r.severity !== 'info',
        )!;
        assert.equal(failure.attributes.message, first.message, 'the message survives escaping');
        assert.ok(failure.text.includes(first.message));
      }
    }
    assert.equal(Number(doc.attributes.failures), failures);
    const awkward = all(doc, 'testcase').find((t) => t.attributes.name === AWKWARD_FILE);
    assert.ok(awkward, 'a target with < > & " | survives escaping');
    assert.equal(awkward.attributes.file, AWKWARD_FILE);
    const staleness = all(doc, 'testcase').find((t) => t.attributes.classname === 'mlops.staleness')!;
    assert.equal(
      staleness.children.find((c) => c.name === 'failure'),
      undefined,
      'info findings do not fail',
    );
    assert.match(staleness.children.find((c) => c.name === 'system-out')!.text, /retrain on the new data/);
    assert.equal(escapeXmlAttribute('a\u0000b"\n'), 'ab&quot;&#10;', 'invalid characters dropped');
  });

  it('SARIF: valid against the 2.1.0 schema, with rules, levels, 1-based regions and fingerprints', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sarif-schema-2.1.0-subset.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s));
    ajv.addFormat('uri-reference', (s: string) => !/[\s<>"|\\^`{}]/.test(s));
    ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(formatSarif(report, { toolVersion: '1.2.3', configFile: 'mlops.yaml' })) as {
      runs: {
        tool: { driver: { rules: { id: string; helpUri: string; fullDescription: { text: string } }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string; uriBaseId: string };
              region: { startLine: number; startColumn?: number };
            };
          }[];
          partialFingerprints: Record<string, string>;
        }[];
      }[];
    };
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors, null, 1));
    const [runLog] = sarif.runs;
    const rules = runLog.tool.driver.rules;
    assert.equal(rules.length, 14);
    assert.ok(rules.every((r) => r.helpUri.endsWith(`#${r.id}`) && r.fullDescription.text.length > 50));
    const failing = report.results.filter((r) => r.status === 'fail' || r.status === 'error');
    assert.equal(runLog.results.length, failing.length);
    for (const result of runLog.results) {
      assert.equal(rules[result.ruleIndex].id, result.ruleId);
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      assert.equal(artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(region.startLine >= 1 && (region.startColumn ?? 1) >= 1);
      assert.match(Object.values(result.partialFingerprints)[0], /^[0-9a-f]{32}$/);
    }
    const threshold = runLog.results.find((r) => r.ruleId === 'metric-threshold')!;
    assert.deepEqual(threshold.locations[0].physicalLocation, {
      artifactLocation: { uri: 'metrics/eval.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 5 },
    });
    assert.equal(threshold.level, 'error');
    assert.equal(runLog.results.find((r) => r.ruleId === 'staleness')!.level, 'note');
    assert.ok(
      runLog.results.some(
        (r) => r.locations[0].physicalLocation.artifactLocation.uri === 'data/raw%7Cv1%20%3Cx%3E%26%22y%22.bin',
      ),
    );
    const again = toSarif(report, { toolVersion: '1.2.3' }) as typeof sarif;
    assert.deepEqual(
      again.runs[0].results.map((r) => r.partialFingerprints),
      runLog.results.map((r) => r.partialFingerprints),
      'stable fingerprints',
    );
    const prefixed = toSarif(report, { toolVersion: '1', uriPrefix: 'ml/' }) as typeof sarif;
    assert.equal(
      prefixed.runs[0].results.find((r) => r.ruleId === 'metric-threshold')!.locations[0].physicalLocation
        .artifactLocation.uri,
      'ml/metrics/eval.json',
    );
  });

  it('Markdown: summary and a table whose cells cannot add markup or HTML', () => {
    const md = formatMarkdown(report);
    assert.match(md, /^### ❌ MLOps checks: 4 errors, 7 warnings, 2 info, \d+ passed, 0 skipped\n/);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
    for (const row of rows)
      assert.equal(
        row.split(/(?<!\\)\|/).length,
        row.startsWith('| Check') || /^\| [\w-]+ \| [\w-]+ \| \d/.test(row) ? 7 : 6,
        `cells of ${row}`,
      );
    assert.ok(md.includes('data/raw\\|v1 &lt;x&gt;&amp;"y".bin'));
    assert.doesNotMatch(md, /<x>/);
    assert.equal(
      escapeMarkdownCell('[link](http://x) *b* `c` <img>\nnext'),
      '\\[link\\](http://x) \\*b\\* \\`c\\` &lt;img&gt; next',
    );
  });

  it('never prints a secret, in any format', () => {
    const outputs = [
      formatText(report, { verbose: true }),
      formatJson(report, { toolVersion: '1' }),
      formatJunit(report),
      formatSarif(report, { toolVersion: '1' }),
      formatMarkdown(report),
    ];
    assert.ok(
      report.results.some((r) => r.key?.startsWith('secret|aws-access-key-id')),
      'the secret was found',
    );
    for (const output of outputs) {
      assert.ok(!output.includes(FAKE.awsKeyId), 'the key is absent');
      assert.ok(!output.includes(FAKE.awsKeyId.slice(4)), 'even without its prefix');
    }
  });
});
