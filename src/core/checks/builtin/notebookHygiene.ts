// notebook-hygiene: committed outputs (with their size), execution counts out of order, missing kernel metadata,
// and secrets in cell sources or outputs. Secrets are reported by kind and position only, never by value.
import { NOTEBOOK_EXTENSIONS } from '../../workspace/discovery';
import {
  option,
  throwIfAborted,
  type CheckRun,
  type CheckSink,
  type CheckTypeDefinition,
  type Finding,
} from '../checkType';
import { scanJson } from '../../formats/jsonScan';
import { JsonSyntaxError, parseJson } from '../../formats/notebook/jsonText';
import { findSecrets } from '../secrets';
import { selectNotebooks } from '../scope';
import { formatBytes } from '../../sizes';
import { lineStarts, positionAt } from '../textPosition';
import { CheckInputError, SEVERITIES, type Location, type Severity } from '../types';

export const notebookHygiene: CheckTypeDefinition = {
  type: 'notebook-hygiene',
  title: 'Notebooks are clean and free of secrets',
  description:
    'Looks inside each notebook for committed outputs (and their size), execution counts out of order (cells run out of sequence), missing kernel metadata, and secrets in sources or outputs: AWS keys, GitHub, Slack and OpenAI-style tokens, private key blocks, `password = "..."` and high-entropy `api_key=` values. Secrets are reported at error severity by default and never echoed. Clear outputs (or install nbstripout), re-run top to bottom, and move secrets to the environment (then rotate them).',
  scopes: ['notebooks'],
  defaultSeverity: 'warning',
  needsGit: false,
  rerunOn: NOTEBOOK_EXTENSIONS.map((e) => `*${e}`),
  docsAnchor: '#notebook-hygiene',
  options: {
    outputs: { title: 'Outputs', type: 'boolean', description: 'Report committed outputs (default true).' },
    maxOutputBytes: {
      title: 'Maximum output bytes',
      type: 'integer',
      minimum: 0,
      description: 'Outputs up to this many bytes are allowed (default 0: none).',
    },
    executionOrder: {
      title: 'Execution order',
      type: 'boolean',
      description: 'Report execution counts out of order (default true).',
    },
    summarizeAbove: {
      title: 'Summarize above',
      type: 'integer',
      minimum: 0,
      description:
        'When more notebooks than this have committed outputs, report them as one finding (how many, their total size, the largest) instead of one per notebook (default 10; 0 never summarizes).',
    },
    kernel: { title: 'Kernel', type: 'boolean', description: 'Report missing kernel metadata (default true).' },
    secrets: { title: 'Secrets', type: 'boolean', description: 'Report secrets (default true).' },
    secretsSeverity: {
      title: 'Secrets severity',
      enum: [...SEVERITIES],
      description: 'Severity of secret findings (default error).',
    },
  },
  run: runNotebookHygiene,
};

const MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Cell {
  cell_type?: string;
  execution_count?: number | null;
  source?: string | string[];
  outputs?: Record<string, Json>[];
}

interface Notebook {
  cells?: Cell[];
  metadata?: { kernelspec?: { name?: string }; language_info?: { name?: string } };
  nbformat?: number;
}

const TEXT_MIMES = [
  'text/plain',
  'text/html',
  'text/markdown',
  'text/latex',
  'application/javascript',
  'application/json',
];

/** Offsets of top-level keys and of values under `cells` up to a few levels deep, keyed by path joined with `/`. */
function cellOffsets(text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  scanJson(text, (path, valueOffset, keyOffset) => {
    if (path.length === 1 || (path[0] === 'cells' && path.length >= 2 && path.length <= 7))
      offsets.set(path.join('/'), keyOffset ?? valueOffset);
  });
  return offsets;
}

async function runNotebookHygiene({ context, check, sink, signal }: CheckRun): Promise<void> {
  const wantOutputs = option(check, 'outputs', true);
  const maxOutputBytes = option(check, 'maxOutputBytes', 0);
  const wantOrder = option(check, 'executionOrder', true);
  const wantKernel = option(check, 'kernel', true);
  const wantSecrets = option(check, 'secrets', true);
  const secretsSeverity = option<Severity>(check, 'secretsSeverity', 'error');
  const summarizeAbove = option(check, 'summarizeAbove', DEFAULT_SUMMARIZE_ABOVE);
  /** Committed-output findings, held until every notebook is read: many become one summary finding. */
  const withOutputs: { finding: Finding; bytes: number }[] = [];
  let inspected = 0;
  for (const file of await selectNotebooks(context, check, signal)) {
    throwIfAborted(signal);
    const path = file.path;
    if (file.size > MAX_NOTEBOOK_BYTES) {
      sink.fail({
        target: path,
        message: `${path} is ${formatBytes(file.size)}, too large to inspect (limit ${formatBytes(MAX_NOTEBOOK_BYTES)}).`,
        location: { file: path },
        key: 'size',
      });
      continue;
    }
    let text: string;
    try {
      text = await context.files.readText(path, MAX_NOTEBOOK_BYTES);
    } catch (err) {
      if (err instanceof CheckInputError) {
        sink.fail({ target: path, message: err.message, location: { file: path }, key: 'read' });
        continue;
      }
      throw err;
    }
    let notebook: Notebook;
    try {
      notebook = parseJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).value as Notebook;
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      sink.fail({
        target: path,
        message: `${path} is not valid notebook JSON (line ${err.line}, column ${err.column}): ${err.reason}. Fix the merge conflict or truncation, e.g. with nbdime.`,
        location: { file: path, line: err.line, column: err.column },
        key: 'json',
      });
      continue;
    }
    if (!notebook || typeof notebook !== 'object' || !Array.isArray(notebook.cells)) {
      sink.fail({
        target: path,
        message: `${path} is not an nbformat 4 notebook (no 'cells' list). Convert it with 'jupyter nbconvert --to notebook'.`,
        location: { file: path, line: 1 },
        key: 'format',
      });
      continue;
    }
    const cells = notebook.cells.filter((c) => c && typeof c === 'object');
    const offsets = cellOffsets(text);
    const starts = lineStarts(text);
    const at = (...path: (string | number)[]): Location => {
      const offset = offsets.get(['cells', ...path].join('/'));
      if (offset === undefined) return { file: file.path };
      const { line, column } = positionAt(starts, offset);
      return { file: file.path, line, column };
    };
    const findings: Finding[] = [];
    inspected++;

    if (wantOutputs) {
      let cellsWithOutputs = 0;
      let bytes = 0;
      let first = -1;
      cells.forEach((cell, index) => {
        if (Array.isArray(cell.outputs) && cell.outputs.length > 0) {
          cellsWithOutputs++;
          bytes += Buffer.byteLength(JSON.stringify(cell.outputs));
          if (first === -1) first = index;
        }
      });
      if (cellsWithOutputs > 0 && bytes > maxOutputBytes) {
        withOutputs.push({
          bytes,
          finding: {
            target: path,
            message: `${path} has committed outputs in ${cellsWithOutputs} cell${cellsWithOutputs === 1 ? '' : 's'} (${formatBytes(bytes)}), first in cell ${first + 1}.`,
            hint: 'Strip them (mlops nbstrip, or MLOps: Strip Notebook Outputs) and let git strip them on every commit (MLOps: Set Up Notebook Git Filter).',
            location: at(first, 'outputs'),
            key: 'outputs',
          },
        });
      } else
        sink.pass(
          path,
          cellsWithOutputs
            ? `outputs ${formatBytes(bytes)} within ${formatBytes(maxOutputBytes)}`
            : 'no committed outputs',
          { location: { file: path }, key: 'outputs' },
        );
    }

    if (wantOrder) {
      let previous: { count: number; index: number } | undefined;
      let problem: Finding | undefined;
      cells.forEach((cell, index) => {
        if (problem || cell.cell_type !== 'code' || typeof cell.execution_count !== 'number') return;
        if (previous && cell.execution_count <= previous.count) {
          problem = {
            target: path,
            message: `${path}: cells ran out of order: cell ${index + 1} has execution count ${cell.execution_count}, after ${previous.count} in cell ${previous.index + 1}.`,
            hint: 'Restart the kernel and run all cells top to bottom before committing, so the notebook reproduces.',
            location: at(index, 'execution_count'),
            key: 'execution-order',
          };
        }
        previous = { count: cell.execution_count, index };
      });
      if (problem) findings.push(problem);
      else sink.pass(path, 'execution counts in order', { location: { file: path }, key: 'execution-order' });
    }

    if (wantKernel) {
      const missing: string[] = [];
      const metadata = notebook.metadata && typeof notebook.metadata === 'object' ? notebook.metadata : {};
      if (typeof metadata.kernelspec?.name !== 'string') missing.push('metadata.kernelspec');
      if (typeof metadata.language_info?.name !== 'string') missing.push('metadata.language_info');
      if (missing.length) {
        const metadataOffset = offsets.get('metadata');
        const position = metadataOffset !== undefined ? positionAt(starts, metadataOffset) : { line: 1, column: 1 };
        findings.push({
          target: path,
          message: `${path} has no kernel metadata (${missing.join(', ')} missing), so tools cannot tell which kernel runs it.`,
          hint: 'Open it in Jupyter or VS Code, select a kernel and save.',
          location: { file: path, line: position.line, column: position.column },
          key: 'kernel',
        });
      } else sink.pass(path, 'kernel metadata present', { location: { file: path }, key: 'kernel' });
    }

    if (wantSecrets) {
      const before = findings.length;
      cells.forEach((cell, index) => {
        const pieces: { where: string; path: (string | number)[]; text: string; lineBase: number }[] = [];
        // Source: one piece per line when stored as a list (positions are then exact), else the whole string.
        if (Array.isArray(cell.source)) {
          cell.source.forEach((line, j) => {
            if (typeof line === 'string')
              pieces.push({ where: 'source', path: [index, 'source', j], text: line, lineBase: j });
          });
        } else if (typeof cell.source === 'string')
          pieces.push({ where: 'source', path: [index, 'source'], text: cell.source, lineBase: 0 });
        (Array.isArray(cell.outputs) ? cell.outputs : []).forEach((output, k) => {
          if (!output || typeof output !== 'object') return;
          const add = (field: (string | number)[], value: unknown): void => {
            if (Array.isArray(value))
              value.forEach((v, m) =>
                pieces.push({
                  where: `output ${k + 1}`,
                  path: [index, 'outputs', k, ...field, m],
                  text: typeof v === 'string' ? v : JSON.stringify(v),
                  lineBase: m,
                }),
              );
            else if (value !== undefined && value !== null)
              pieces.push({
                where: `output ${k + 1}`,
                path: [index, 'outputs', k, ...field],
                text: typeof value === 'string' ? value : JSON.stringify(value),
                lineBase: 0,
              });
          };
          add(['text'], output.text);
          add(['evalue'], output.evalue);
          add(['traceback'], output.traceback);
          const data = output.data;
          if (data && typeof data === 'object' && !Array.isArray(data))
            for (const mime of TEXT_MIMES) add(['data', mime], data[mime]);
        });
        for (const piece of pieces) {
          for (const secret of findSecrets(piece.text)) {
            const lineInPiece = piece.text.slice(0, secret.offset).split('\n').length - 1;
            const line = piece.lineBase + lineInPiece + 1;
            findings.push({
              target: path,
              message: `${path}: cell ${index + 1} ${piece.where} line ${line} contains a secret: ${secret.label} (${secret.masked}).`,
              hint: 'Remove it from the notebook (and its git history), rotate the credential, and read it from an environment variable or a secrets manager instead.',
              location: at(...piece.path),
              key: `secret|${secret.kind}|${index}|${piece.where}|${line}`,
              severity: secretsSeverity,
            });
          }
        }
      });
      if (findings.length === before) sink.pass(path, 'no secrets found', { location: { file: path }, key: 'secrets' });
    }
    for (const finding of findings) sink.fail(finding);
  }
  reportOutputs(sink, withOutputs, inspected, summarizeAbove);
}

const DEFAULT_SUMMARIZE_ABOVE = 10;
const LARGEST_NAMED = 3;

/**
 * One finding per notebook with committed outputs, or, when more than `summarizeAbove` have them (a book or course
 * repository that commits its outputs on purpose), one finding that says how many, their total size and the largest,
 * at the largest notebook's first output; each notebook then gets a skip that points to the summary.
 */
function reportOutputs(
  sink: CheckSink,
  withOutputs: readonly { finding: Finding; bytes: number }[],
  inspected: number,
  summarizeAbove: number,
): void {
  if (summarizeAbove <= 0 || withOutputs.length <= summarizeAbove) {
    for (const { finding } of withOutputs) sink.fail(finding);
    return;
  }
  const largest = [...withOutputs].sort(
    (a, b) => b.bytes - a.bytes || a.finding.target.localeCompare(b.finding.target),
  );
  const total = withOutputs.reduce((sum, o) => sum + o.bytes, 0);
  const named = largest
    .slice(0, LARGEST_NAMED)
    .map((o) => `${o.finding.target} (${formatBytes(o.bytes)})`)
    .join(', ');
  const [top] = largest;
  sink.fail({
    target: `${withOutputs.length} notebooks`,
    message: `${withOutputs.length} of ${inspected} notebooks have committed outputs (${formatBytes(total)} in total); the largest: ${named}.`,
    hint: 'If the outputs are meant to be read on the web, keep them and set notebook-hygiene options.outputs: false in mlops.yaml; else strip them all (mlops nbstrip) and let git strip them on every commit (MLOps: Set Up Notebook Git Filter).',
    ...(top?.finding.location ? { location: top.finding.location } : {}),
    key: 'outputs-summary',
  });
  for (const { finding, bytes } of withOutputs)
    sink.skip(
      finding.target,
      `committed outputs (${formatBytes(bytes)}), counted in the summary of ${withOutputs.length} notebooks`,
      {
        ...(finding.location ? { location: finding.location } : {}),
        key: 'outputs',
      },
    );
}
