import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkTypeNamed } from '../../core/checks/builtinTypes';
import { DEFAULT_HELP_URI } from '../../core/checks/report/common';
import { problemMessage } from '../../core/checks/report/problems';
import type { CheckResult, Location, Severity } from '../../core/checks/types';
import type { FolderRun } from './runner';

/** One diagnostic and the result it shows (for quick fixes). */
export interface DiagnosticEntry {
  diagnostic: vscode.Diagnostic;
  result: CheckResult;
  run: FolderRun;
  uri: vscode.Uri;
}

export interface DiagnosticCounts {
  error: number;
  warning: number;
  info: number;
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Text files up to this size are read to give a diagnostic the extent of its line or file. */
const MAX_TEXT_BYTES = 4 * 1024 * 1024;

/** The documentation of a check type: the README section its definition names (else the type's id). */
export function checkTypeHelpUri(type: string): vscode.Uri {
  return vscode.Uri.parse(`${DEFAULT_HELP_URI}${checkTypeNamed(type)?.docsAnchor ?? `#${type}`}`);
}

/**
 * The 'mlops checks' diagnostics: every failing or erroring result at its location (whole line when the column is
 * unknown, whole file when the line is), or at mlops.yaml when it has none. Keeps the result of each diagnostic so
 * the code actions can find the fix.
 */
export class ChecksDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('mlops checks');
  private entries = new Map<string, DiagnosticEntry[]>();
  private readonly changeEmitter = new vscode.EventEmitter<DiagnosticCounts>();
  /** The diagnostics changed; the counts by severity. */
  readonly onDidChange = this.changeEmitter.event;

  dispose(): void {
    this.collection.dispose();
    this.changeEmitter.dispose();
  }

  /** Replaces every diagnostic with those of these runs. */
  async update(runs: readonly FolderRun[]): Promise<void> {
    const entries = new Map<string, DiagnosticEntry[]>();
    const texts = new Map<string, Promise<string | undefined>>();
    const textOf = (uri: vscode.Uri) => {
      const key = uri.toString();
      if (!texts.has(key)) texts.set(key, readText(uri));
      return texts.get(key)!;
    };
    for (const run of runs) {
      for (const result of run.report.results) {
        if (result.status !== 'fail' && result.status !== 'error') continue;
        const location: Location = result.location ?? { file: run.configFile };
        const uri = resolveInFolder(run.folder, location.file) ?? vscode.Uri.joinPath(run.folder.uri, run.configFile);
        const range = rangeOf(location, await textOf(uri));
        const diagnostic = new vscode.Diagnostic(range, problemMessage(result), SEVERITY[result.severity]);
        diagnostic.source = 'mlops';
        diagnostic.code = { value: result.type, target: checkTypeHelpUri(result.type) };
        const list = entries.get(uri.toString()) ?? [];
        list.push({ diagnostic, result, run, uri });
        entries.set(uri.toString(), list);
      }
    }
    // A checks section the engine refuses (duplicate ids, a scope the type does not support...): an error at its
    // position, unless the mlops.yaml validation already shows one on that line.
    const configProblems = new Map<string, vscode.Diagnostic[]>();
    for (const run of runs) {
      if (run.report.status !== 'config-error') continue;
      for (const problem of run.report.problems) {
        const uri = problem.file ? resolveInFolder(run.folder, problem.file) : undefined;
        if (!uri || problem.line === undefined) continue;
        const line = problem.line - 1;
        const shown = vscode.languages
          .getDiagnostics(uri)
          .some(
            (d) =>
              d.source === 'mlops' &&
              typeof d.code !== 'object' &&
              d.severity === vscode.DiagnosticSeverity.Error &&
              d.range.start.line <= line &&
              d.range.end.line >= line,
          );
        if (shown) continue;
        const diagnostic = new vscode.Diagnostic(
          rangeOf({ file: problem.file!, line: problem.line, column: problem.column }, await textOf(uri)),
          `${problem.message} The pipeline checks do not run until this is fixed.`,
          vscode.DiagnosticSeverity.Error,
        );
        diagnostic.source = 'mlops';
        diagnostic.code = { value: 'checks', target: checkTypeHelpUri('pipeline-checks') };
        configProblems.set(uri.toString(), [...(configProblems.get(uri.toString()) ?? []), diagnostic]);
      }
    }
    this.entries = entries;
    this.collection.clear();
    for (const [uri, list] of configProblems) this.collection.set(vscode.Uri.parse(uri), list);
    for (const list of entries.values()) {
      const uri = list[0]?.uri;
      if (uri) this.collection.set(uri, [...(this.collection.get(uri) ?? []), ...list.map((e) => e.diagnostic)]);
    }
    this.changeEmitter.fire(this.counts());
  }

  clear(): void {
    this.entries = new Map();
    this.collection.clear();
    this.changeEmitter.fire(this.counts());
  }

  /** Counts of the published diagnostics by severity (what the status bar shows). */
  counts(): DiagnosticCounts {
    const counts: DiagnosticCounts = { error: 0, warning: 0, info: 0 };
    this.collection.forEach((_uri, diagnostics) => {
      for (const d of diagnostics) {
        if (d.severity === vscode.DiagnosticSeverity.Error) counts.error++;
        else if (d.severity === vscode.DiagnosticSeverity.Warning) counts.warning++;
        else counts.info++;
      }
    });
    return counts;
  }

  /** The entry of a diagnostic VS Code hands back (a copy): same range, message and check type. */
  find(uri: vscode.Uri, diagnostic: vscode.Diagnostic): DiagnosticEntry | undefined {
    const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    return this.entries
      .get(uri.toString())
      ?.find(
        (e) =>
          e.diagnostic.range.isEqual(diagnostic.range) &&
          e.diagnostic.message === diagnostic.message &&
          e.result.type === String(code),
      );
  }
}

/** A folder-relative path as a URI inside the folder, or undefined when it would leave the folder. */
export function resolveInFolder(folder: vscode.WorkspaceFolder, relative: string): vscode.Uri | undefined {
  const full = path.resolve(folder.uri.fsPath, relative);
  const inside = path.relative(folder.uri.fsPath, full);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  return vscode.Uri.file(full);
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open && !open.isDirty) return open.getText();
  try {
    const stat = await fs.stat(uri.fsPath);
    if (!stat.isFile() || stat.size > MAX_TEXT_BYTES) return undefined;
    const bytes = await fs.readFile(uri.fsPath);
    return bytes.subarray(0, 8000).includes(0) ? undefined : bytes.toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * The range of a location (1-based, end column exclusive) in VS Code terms: from the column to the end of the line's
 * text when no end is given, the whole line without a column, the whole file without a line.
 */
export function rangeOf(location: Location, text: string | undefined): vscode.Range {
  const lines = text?.split(/\r?\n/);
  const lineText = (index: number) => lines?.[index] ?? '';
  if (location.line === undefined) {
    if (!lines) return new vscode.Range(0, 0, 0, 0);
    const last = lines.length - 1;
    return new vscode.Range(0, 0, last, lineText(last).length);
  }
  const line = Math.max(0, location.line - 1);
  const content = lineText(line);
  const start =
    location.column !== undefined ? Math.max(0, location.column - 1) : content.length - content.trimStart().length;
  if (location.endLine !== undefined || location.endColumn !== undefined) {
    const endLine = Math.max(line, (location.endLine ?? location.line) - 1);
    const endColumn = location.endColumn !== undefined ? Math.max(0, location.endColumn - 1) : lineText(endLine).length;
    return new vscode.Range(line, start, endLine, endLine === line ? Math.max(endColumn, start + 1) : endColumn);
  }
  const end = content.trimEnd().length;
  return new vscode.Range(line, start, line, Math.max(end, start + 1));
}
