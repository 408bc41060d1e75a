import * as vscode from 'vscode';
import { declareLabelColors, LABEL_COLORS, NOTES_FILE, writeRunNotes } from '../../core/formats/runNotes';
import type { Logger } from '../../core/logging';
import type { Run } from '../../core/metrics/model';
import { columnsOf } from '../../core/runs/columns';
import type { RunAnnotation, RunRow } from '../../core/runs/model';
import { annotationOf, loadNoteSources } from '../../core/runs/notes';
import { runsToRows } from '../../core/runs/rows';
import { Disposable } from '../../platform/disposable';
import { isTrusted } from '../../platform/trust';
import type { MetricsService, ServiceSource } from '../experiments/metricsService';
import type { RowOrigin, RunsData } from './panel';

export interface RunsDataSource extends RunsData, vscode.Disposable {
  /** The filter that shows one source's runs (a source item's "Show Runs Table"). */
  sourceFilter(source: ServiceSource): string;
}

/** How the table names a source (the runs core's `<label> <where>`). */
function sourceLabelOf(source: ServiceSource): string {
  return `${source.label} ${source.where}`;
}

/**
 * The table's data over the metrics service the Experiments view uses: its sources' runs as rows (the runs core's
 * rows, columns and merged notes), and the notes file of each folder. A change of either fires `onDidChange`.
 */
export function runsData(service: MetricsService, logger: Logger): RunsDataSource {
  const owner = new Disposable();
  const emitter = owner.register(new vscode.EventEmitter<void>());
  owner.register(service.onDidChange(() => emitter.fire()));
  const watcher = owner.register(vscode.workspace.createFileSystemWatcher(`**/${NOTES_FILE}`));
  owner.register(watcher.onDidChange(() => emitter.fire()));
  owner.register(watcher.onDidCreate(() => emitter.fire()));
  owner.register(watcher.onDidDelete(() => emitter.fire()));

  return {
    onDidChange: emitter.event,
    dispose: () => owner.dispose(),
    sourceFilter: (source) => `source:${JSON.stringify(sourceLabelOf(source))}`,

    async load() {
      await service.ensureLoaded();
      const rows: RunRow[] = [];
      const origins = new Map<string, RowOrigin>();
      const problems: string[] = [];
      for (const folder of service.folders()) {
        const sources = service.sources().filter((s) => s.folderKey === folder.key);
        const runs: Run[] = sources.flatMap((s) => s.runs);
        const notes = await loadNoteSources(folder.root, runs, isTrusted());
        for (const p of notes.problems) problems.push(p);
        for (const source of sources) {
          for (const p of source.problems)
            if (p.severity !== 'info') problems.push(`${sourceLabelOf(source)}: ${p.message}`);
          const sourceRows = runsToRows(source.runs, {
            root: folder.root,
            sourceLabel: sourceLabelOf(source),
            annotate: (key, run) => annotationOf(key, run, notes),
          });
          sourceRows.forEach((row, i) => {
            const run = source.runs[i];
            if (!run || origins.has(row.key)) return;
            rows.push(row);
            origins.set(row.key, {
              sourceId: source.id,
              runId: run.id,
              folderRoot: folder.root,
              hasSteps: run.metrics.some((m) => m.points.length > 1),
            });
          });
        }
      }
      logger.debug(`runs: ${rows.length} rows from ${service.sources().length} sources`);
      return { rows, columns: columnsOf(rows, { metricDefinitions: service.definitions() }), origins, problems };
    },

    async annotate(origin, row, annotation) {
      const labels = annotation.labels.map((l) => l.name);
      // A note read from MLflow or git notes is written to the file only when the user changed it.
      const noteChanged = annotation.note !== row.annotation.note || row.annotation.noteSource === 'notes-file';
      const { before } = await writeRunNotes(origin.folderRoot, row.key, {
        ...(noteChanged ? { note: annotation.note ?? null } : {}),
        labels,
      });
      await declareColours(origin.folderRoot, annotation, row.annotation);
      emitter.fire();
      const colours = new Map(row.annotation.labels.map((l) => [l.name, l.color]));
      const previous: RunAnnotation = {
        labels: before.labels.map((name) => ({ name, color: colours.get(name) ?? 'grey' })),
      };
      // The note the file held (a note from MLflow or git notes is not the file's and stays where it is).
      if (before.note !== undefined) previous.note = before.note;
      return previous;
    },
  };
}

/** Declares the colour of labels the user picked a colour for (new labels), in the notes file's `labels:` map. */
async function declareColours(root: string, annotation: RunAnnotation, current: RunAnnotation): Promise<void> {
  const known = new Map(current.labels.map((l) => [l.name, l.color]));
  const wanted = annotation.labels.filter(
    (l) => known.get(l.name) !== l.color && (LABEL_COLORS as readonly string[]).includes(l.color),
  );
  await declareLabelColors(
    root,
    wanted.map((l) => ({ name: l.name, color: l.color as (typeof LABEL_COLORS)[number] })),
  );
}
