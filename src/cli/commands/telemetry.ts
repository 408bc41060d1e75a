// `mlops telemetry summary [folder] [--source PATH|URL]... [--since 1h|24h|7d|ISO] [--by model|version|caller]
// [--bucket 1m|5m|1h] [--format text|json|md] [--threads N]`: requests, errors, latency percentiles, memory and callers per model version from the
// telemetry sources of mlops.yaml (or the logs discovery finds, or the sources given). Exit codes: 0 figures
// printed, 2 usage or configuration errors, or no source could be read. The telemetry modules load only when run.
import fs from 'node:fs';
import path from 'node:path';
import { escapeControlCharacters } from '../../core/security/controlCharacters';
import { line, lines } from '../output';
import { defineCommand, EXIT, parseCommandArgs, UsageError, type CliIo } from '../registry';

const text = escapeControlCharacters;
const FORMATS = ['text', 'json', 'md'] as const;
const BY = ['version', 'model', 'caller'] as const;

const HELP = `Usage: mlops telemetry summary [folder] [options]

Requests, error rate, latency p50/p95/p99, memory and callers per model version, from the prediction logs of
<folder>/mlops.yaml (telemetry: sources:), or the logs found under logs/ and named predictions*/requests*.

Options:
  --source <s>   read this log file, folder or glob (or a Prometheus URL) instead; repeat for several
  --since <d>    only the last 1h, 24h, 7d... (ending at the newest logged request), or since an ISO date-time
  --by <g>       version (default: model and version), model or caller
  --bucket <d>   the width of a time-series point: 1m, 5m, 1h... (default: about 200 points over the range)
  --format <f>   text (default), json (the whole summary, with its time series) or md
  --threads <n>  read a large log (over 64 MB) with at most n threads (default: one per core, up to 4)
  --help         print this help

Exit codes: 0 figures printed, 2 usage or configuration error, or no source could be read.
`;

const OPTIONS = {
  source: { type: 'string', multiple: true },
  since: { type: 'string' },
  by: { type: 'string' },
  bucket: { type: 'string' },
  format: { type: 'string' },
  threads: { type: 'string' },
} as const;

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${name} must be one of ${allowed.join(', ')}, not '${text(value)}'.`, HELP);
  return value as T;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(HELP);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (sub !== 'summary') throw new UsageError(`unknown telemetry command '${text(sub)}'.`, HELP);
  const parsed = parseCommandArgs('telemetry summary', HELP, rest, OPTIONS);
  if (parsed === 'help') {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError('telemetry summary takes one folder.', HELP);
  const format = oneOf('--format', values.format, FORMATS, 'text');
  const by = oneOf('--by', values.by, BY, 'version');
  const folder = path.resolve(io.cwd, positionals[0] ?? '.');
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory())
    throw new UsageError(`${text(folder)} is not a folder.`);

  const [{ loadConfig }, { parseDuration, readTelemetryConfig }, { summarizeTelemetry }, report] = await Promise.all([
    import('../../core/formats/mlopsYaml/validate.js'),
    import('../../core/telemetry/config.js'),
    import('../../core/telemetry/summarize.js'),
    import('../../core/telemetry/report.js'),
  ]);
  let windowMs: number | undefined;
  let from: number | undefined;
  if (values.since !== undefined) {
    windowMs = parseDuration(values.since);
    if (windowMs === undefined) {
      from = Date.parse(values.since);
      if (!Number.isFinite(from))
        throw new UsageError(`--since takes 1h, 24h, 7d... or an ISO date-time, not '${text(values.since)}'.`, HELP);
    }
  }
  let bucketMs: number | undefined;
  if (values.bucket !== undefined) {
    bucketMs = parseDuration(values.bucket);
    if (bucketMs === undefined || bucketMs < 1000)
      throw new UsageError(`--bucket takes 1m, 5m, 1h... (1s at least), not '${text(values.bucket)}'.`, HELP);
  }
  let threads: number | undefined;
  if (values.threads !== undefined) {
    threads = /^\d+$/.test(values.threads) ? Number(values.threads) : NaN;
    if (!(threads >= 1 && threads <= 64))
      throw new UsageError(`--threads takes a whole number from 1 to 64, not '${text(values.threads)}'.`, HELP);
  }
  const loaded = await loadConfig(folder);
  const errors = loaded.validation.problems.filter((p) => p.severity === 'error' && p.path.startsWith('telemetry'));
  if (errors.length) {
    io.stderr(
      lines(
        errors.map((p) => `mlops telemetry: ${path.basename(loaded.file)}:${p.line + 1}:${p.column + 1}: ${p.message}`),
      ),
    );
    return EXIT.usage;
  }
  const config = readTelemetryConfig(loaded.validation.config.telemetry, loaded.validation.positionOf);
  const prometheusUrl = process.env.MLOPS_PROMETHEUS_URL;
  const token = process.env.MLOPS_PROMETHEUS_TOKEN;
  const summary = await summarizeTelemetry(
    { root: folder, config, ...(token ? { token } : {}), ...(threads !== undefined ? { threads } : {}) },
    { by, ...(from !== undefined ? { from } : {}), ...(bucketMs !== undefined ? { bucketMs } : {}) },
    {
      ...(values.source?.length ? { locations: values.source } : {}),
      ...(prometheusUrl && !values.source?.length ? { prometheusUrl } : {}),
      ...(windowMs !== undefined ? { windowMs } : {}),
    },
  );
  if (format === 'json') io.stdout(JSON.stringify(summary, null, 2) + '\n');
  else if (format === 'md') io.stdout(report.summaryToMarkdown(summary, by));
  else io.stdout(report.summaryToText(summary, by));
  const read = summary.sources.some((s) => (s.events ?? 0) > 0 || s.kind === 'prometheus');
  if (!read) {
    const why = summary.problems.find((p) => p.severity === 'error') ?? summary.problems[0];
    if (why && format !== 'text') io.stderr(line(`mlops telemetry: ${why.message}`));
    return summary.sources.length === 0 || summary.problems.some((p) => p.severity === 'error') ? EXIT.usage : EXIT.ok;
  }
  return EXIT.ok;
}

defineCommand('telemetry', 'requests, errors, latency and callers per model version from prediction logs', run);
