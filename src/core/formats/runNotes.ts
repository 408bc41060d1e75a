// `.mlops/notes.yaml`: notes and labels on runs, committed so the team shares them. The one reader and writer of the
// format. Edits go through yaml's Document API, so comments, order and entries this version does not know stay.
//
//   version: 1
//   labels:                      # label name -> colour (red, orange, yellow, green, blue, purple, grey)
//     candidate: green
//   runs:
//     "mlflow-file:mlruns:3f2a9c...":   # the run's key: <source kind>:<source location>:<run id>
//       note: Best recall so far.
//       labels: [candidate]
import { promises as fs } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { writeFileAtomic } from '../atomicWrite';
import { OUTSIDE_WORKSPACE, resolveInside } from '../security/confine';
import { scanYaml } from './yamlText';

/** Where the notes file is, relative to the workspace folder. */
export const NOTES_FILE = '.mlops/notes.yaml';

export const LABEL_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'grey'] as const;
export type LabelColor = (typeof LABEL_COLORS)[number];

export interface RunNotesEntry {
  note?: string;
  labels: string[];
}

export interface NotesProblem {
  message: string;
  /** 1-based, when known. */
  line?: number;
}

export interface NotesFile {
  version: number;
  /** Declared label colours. */
  labels: Map<string, LabelColor>;
  runs: Map<string, RunNotesEntry>;
  problems: NotesProblem[];
}

export function emptyNotes(): NotesFile {
  return { version: 1, labels: new Map(), runs: new Map(), problems: [] };
}

/** A label's colour: the declared one, else one of the palette picked from the name (the same name, the same colour). */
export function labelColor(name: string, declared: ReadonlyMap<string, LabelColor>): LabelColor {
  const known = declared.get(name);
  if (known) return known;
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return LABEL_COLORS[hash % LABEL_COLORS.length] as LabelColor;
}

const isColor = (v: unknown): v is LabelColor =>
  typeof v === 'string' && (LABEL_COLORS as readonly string[]).includes(v);

/** Reads the notes text. Problems (a wrong shape, an unknown colour) are reported; what can be read is kept. */
export function parseNotes(text: string): NotesFile {
  const out = emptyNotes();
  if (!text.trim()) return out;
  if (text.length > MAX_NOTES_BYTES) {
    out.problems.push({
      message: `${NOTES_FILE} is larger than ${MAX_NOTES_BYTES / 1024 / 1024} MB: notes are not read.`,
    });
    return out;
  }
  const excess = scanYaml(text);
  if (excess) {
    out.problems.push({
      message:
        excess.limit === 'tokens'
          ? `${NOTES_FILE} has more YAML tokens than the notes format allows`
          : `nested deeper than the notes format allows`,
      line: excess.line + 1,
    });
    return out;
  }
  const counter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false, logLevel: 'error' });
  } catch (err) {
    // The nesting scan is a lexer pass; text the parser still recurses on too deeply is refused the same way.
    if (!(err instanceof RangeError)) throw err;
    out.problems.push({ message: `nested deeper than the notes format allows` });
    return out;
  }
  if (doc.errors.length) {
    const first = doc.errors[0];
    out.problems.push({ message: first?.message.split('\n')[0] ?? 'not YAML', line: first?.linePos?.[0].line });
    return out;
  }
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined): number | undefined =>
    node?.range ? counter.linePos(node.range[0]).line : undefined;
  const root = doc.contents;
  if (!isMap(root)) {
    if (root !== null) out.problems.push({ message: 'expected a mapping with version, labels and runs', line: 1 });
    return out;
  }
  const version: unknown = root.get('version');
  if (version !== undefined && version !== 1) {
    out.problems.push({ message: `version ${JSON.stringify(version)} is not one this version reads (1)` });
    if (typeof version === 'number') out.version = version;
  }
  const labels = root.get('labels', true);
  if (isMap(labels))
    for (const pair of labels.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const color = isScalar(pair.value) ? pair.value.value : undefined;
      if (name === undefined) continue;
      if (isColor(color)) out.labels.set(name, color);
      else
        out.problems.push({
          message: `label '${name}': colour must be one of ${LABEL_COLORS.join(', ')}`,
          line: lineOf(pair.value as never) ?? lineOf(pair.key as never),
        });
    }
  const runs = root.get('runs', true);
  if (runs !== undefined && !isMap(runs)) out.problems.push({ message: 'runs: expected a mapping of run keys' });
  if (isMap(runs))
    for (const pair of runs.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const value = pair.value;
      const entry: RunNotesEntry = { labels: [] };
      if (isMap(value)) {
        const note: unknown = value.get('note');
        if (typeof note === 'string') entry.note = note;
        else if (note !== undefined && note !== null)
          out.problems.push({ message: `run '${key}': note must be text`, line: lineOf(pair.key as never) });
        const list = value.get('labels', true);
        if (isSeq(list)) {
          for (const item of list.items)
            if (isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number'))
              entry.labels.push(String(item.value));
        } else if (isScalar(list) && typeof list.value === 'string') entry.labels.push(list.value);
      } else if (value !== null && value !== undefined) {
        out.problems.push({ message: `run '${key}': expected note and labels`, line: lineOf(pair.key as never) });
        continue;
      }
      out.runs.set(key, entry);
    }
  return out;
}

/** A change to one run's entry: `note` null or '' removes it, `labels` [] removes them; undefined keeps. */
export interface RunNotesChange {
  note?: string | null;
  labels?: readonly string[];
}

function documentOf(text: string): Document {
  if (text.length > MAX_NOTES_BYTES || scanYaml(text))
    throw new Error(`${NOTES_FILE} is too large or nested too deeply to edit.`);
  let doc: Document;
  try {
    doc = text.trim() ? parseDocument(text, { logLevel: 'error' }) : parseDocument('version: 1\n');
  } catch (err) {
    if (err instanceof RangeError) throw new Error(`${NOTES_FILE} is nested too deeply to edit.`, { cause: err });
    throw err;
  }
  if (doc.errors.length)
    throw new Error(`${NOTES_FILE} is not valid YAML (${doc.errors[0]?.message.split('\n')[0] ?? ''}); fix it first.`);
  if (!isMap(doc.contents)) throw new Error(`${NOTES_FILE} is not a mapping; fix it first.`);
  if (!doc.has('version')) doc.set('version', 1);
  return doc;
}

/** The notes text with one run's entry changed; the rest (comments, order, unknown entries) as it was. */
export function setRunNotes(text: string, key: string, change: RunNotesChange): string {
  const doc = documentOf(text);
  if (!isMap(doc.getIn(['runs'], true))) doc.set('runs', doc.createNode({}));
  const at = ['runs', key];
  if (!isMap(doc.getIn(at, true))) doc.setIn(at, doc.createNode({}));
  if (change.note !== undefined) {
    if (change.note === null || change.note === '') doc.deleteIn([...at, 'note']);
    else doc.setIn([...at, 'note'], change.note);
  }
  if (change.labels !== undefined) {
    if (change.labels.length === 0) doc.deleteIn([...at, 'labels']);
    else {
      const seq = doc.createNode([...change.labels]);
      seq.flow = true;
      doc.setIn([...at, 'labels'], seq);
    }
  }
  const entry = doc.getIn(at, true);
  if (isMap(entry) && entry.items.length === 0) doc.deleteIn(at);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The notes text with a label's colour set (or removed with null). */
export function setLabelColor(text: string, label: string, color: LabelColor | null): string {
  const doc = documentOf(text);
  if (color === null) doc.deleteIn(['labels', label]);
  else {
    if (!isMap(doc.getIn(['labels'], true))) doc.set('labels', doc.createNode({}));
    doc.setIn(['labels', label], color);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The largest notes file read or edited. */
export const MAX_NOTES_BYTES = 4 * 1024 * 1024;

/** A notes file that cannot be used: it leads outside the folder (a symbolic link) or is too large. */
export class NotesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotesFileError';
  }
}

/**
 * The folder's notes file, resolved (symbolic links included) inside the folder: a `.mlops/notes.yaml` (or `.mlops`)
 * that links elsewhere is never read or written, so a note cannot overwrite a file outside the workspace.
 */
export function notesFilePath(root: string): string {
  const file = resolveInside(root, NOTES_FILE);
  if (file === undefined)
    throw new NotesFileError(`${NOTES_FILE} ${OUTSIDE_WORKSPACE} (a symbolic link): notes are not read or written.`);
  return file;
}

/** The notes file's text ('' when there is none), after the confinement and size checks. */
async function notesText(root: string): Promise<string> {
  const file = notesFilePath(root);
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_NOTES_BYTES)
      throw new NotesFileError(`${NOTES_FILE} is larger than ${MAX_NOTES_BYTES / 1024 / 1024} MB: notes are not read.`);
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** The folder's notes file, or an empty one when there is none; one that cannot be used is a problem. */
export async function readNotesFile(root: string): Promise<NotesFile> {
  let text: string;
  try {
    text = await notesText(root);
  } catch (err) {
    if (!(err instanceof NotesFileError)) throw err;
    const notes = emptyNotes();
    notes.problems.push({ message: err.message });
    return notes;
  }
  return parseNotes(text);
}

/** Declares label colours in the notes file's `labels:` map (atomically; the file is created when missing). */
export async function declareLabelColors(
  root: string,
  labels: readonly { name: string; color: LabelColor }[],
): Promise<void> {
  if (labels.length === 0) return;
  let text = await notesText(root);
  for (const l of labels) text = setLabelColor(text, l.name, l.color);
  await writeFileAtomic(notesFilePath(root), text, { createFolders: true });
}

/**
 * Changes one run's entry in the folder's notes file (created with its folder when missing), atomically. Returns
 * the entry before and after, so the change can be undone by writing `before` back.
 */
export async function writeRunNotes(
  root: string,
  key: string,
  change: RunNotesChange,
): Promise<{ before: RunNotesEntry; after: RunNotesEntry }> {
  const text = await notesText(root);
  const before = parseNotes(text).runs.get(key) ?? { labels: [] };
  const next = setRunNotes(text, key, change);
  await writeFileAtomic(notesFilePath(root), next, { createFolders: true });
  const after = parseNotes(next).runs.get(key) ?? { labels: [] };
  return { before, after };
}
