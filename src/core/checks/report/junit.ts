// JUnit XML report: one <testsuite> per check, one <testcase> per target. Error and warning findings are
// <failure>s, a check that could not run is an <error>, info findings are noted in <system-out> (they pass).
import type { CheckReport, CheckResult } from '../types';
import { formatLocation } from './common';

/** Characters XML 1.0 does not allow at all; they are dropped. */
// eslint-disable-next-line no-control-regex -- the allowed control characters are listed on purpose.
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXmlText(text: string): string {
  return text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function details(results: readonly CheckResult[]): string {
  return results
    .map((r) =>
      [
        `[${r.severity}] ${r.message}`,
        r.location ? `at ${formatLocation(r.location)}` : '',
        r.hint ? `hint: ${r.hint}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n\n');
}

export function formatJunit(report: CheckReport): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const check of report.checks) {
    const own = report.results.filter((r) => r.checkId === check.id);
    const targets = new Map<string, CheckResult[]>();
    for (const r of own) targets.set(r.target, [...(targets.get(r.target) ?? []), r]);
    const cases: string[] = [];
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const [target, results] of targets) {
      counts.tests++;
      const crashed = results.filter((r) => r.status === 'error');
      const failed = results.filter((r) => r.status === 'fail' && r.severity !== 'info');
      const notes = results.filter((r) => r.status === 'fail' && r.severity === 'info');
      const allSkipped = results.every((r) => r.status === 'skip');
      const file = results.find((r) => r.location)?.location?.file;
      const attributes = `classname="${escapeXmlAttribute(`mlops.${check.id}`)}" name="${escapeXmlAttribute(target)}"${file ? ` file="${escapeXmlAttribute(file)}"` : ''}`;
      const body: string[] = [];
      const [firstCrash] = crashed;
      const [firstFailure] = failed;
      const [firstResult] = results;
      if (firstCrash) {
        counts.errors++;
        body.push(
          `      <error message="${escapeXmlAttribute(firstCrash.message)}" type="check-error">${escapeXmlText(details(crashed))}</error>`,
        );
      } else if (firstFailure) {
        counts.failures++;
        body.push(
          `      <failure message="${escapeXmlAttribute(firstFailure.message)}" type="${firstFailure.severity}">${escapeXmlText(details(failed))}</failure>`,
        );
      } else if (allSkipped && firstResult) {
        counts.skipped++;
        body.push(`      <skipped message="${escapeXmlAttribute(firstResult.message)}"/>`);
      }
      if (notes.length) body.push(`      <system-out>${escapeXmlText(details(notes))}</system-out>`);
      cases.push(
        body.length
          ? `    <testcase ${attributes}>\n${body.join('\n')}\n    </testcase>`
          : `    <testcase ${attributes}/>`,
      );
    }
    if (counts.tests === 0) {
      counts.tests = 1;
      cases.push(
        `    <testcase classname="${escapeXmlAttribute(`mlops.${check.id}`)}" name="${escapeXmlAttribute(check.id)}"/>`,
      );
    }
    tests += counts.tests;
    failures += counts.failures;
    errors += counts.errors;
    skipped += counts.skipped;
    suites.push(
      `  <testsuite name="${escapeXmlAttribute(check.id)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(check.durationMs)}">\n` +
        `    <properties>\n      <property name="type" value="${escapeXmlAttribute(check.type)}"/>\n      <property name="severity" value="${check.severity}"/>\n    </properties>\n` +
        `${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="mlops check" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report.durationMs)}">\n` +
    (suites.length ? `${suites.join('\n')}\n` : '') +
    '</testsuites>\n'
  );
}
