// Notes on runs: the `.mlops/notes.yaml` reader and writer (comments and unknown entries kept, atomic writes), git
// notes of many commits in one call, and the merge of the notes file, MLflow's note tag and git notes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  declareLabelColors,
  labelColor,
  MAX_NOTES_BYTES,
  NOTES_FILE,
  parseNotes,
  readNotesFile,
  setLabelColor,
  setRunNotes,
  writeRunNotes,
} from '../../../src/core/formats/runNotes';
import { readGitNotes } from '../../../src/core/git/commands';
import { fuzzInput, fuzzTargets } from '../../fuzz/targets';
import { NotARepositoryError } from '../../../src/core/git/gitProcess';
import { mlflowFileStoreSource } from '../../../src/core/metrics/sources/mlflowFileStore';
import { readHistory } from '../../../src/core/git/history';
import { annotationOf, loadNoteSources, MLFLOW_NOTE_TAG } from '../../../src/core/runs/notes';
import { runsToRows } from '../../../src/core/runs/rows';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures');

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'init.defaultBranch=main', '-c', 'user.name=Ana Ruiz', '-c', 'user.email=ana@example.com', ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString('utf8');
}

const COMMENTED = `# Notes and labels of runs, shared by the team.
version: 1
labels:
  candidate: green # ship these
  broken: red
owner: ml-platform # an entry this version does not know
runs:
  # the tuned run
  "mlflow-file:mlruns:abc":
    note: Best recall so far.
    labels: [candidate]
    reviewed-by: ana
  "git:.:0123456789012345678901234567890123456789":
    labels: [broken]
`;

describe('runs notes file', () => {
  it('reads notes, labels and colours', () => {
    const notes = parseNotes(COMMENTED);
    assert.deepEqual(notes.problems, []);
    assert.equal(notes.version, 1);
    assert.deepEqual(
      [...notes.labels],
      [
        ['candidate', 'green'],
        ['broken', 'red'],
      ],
    );
    assert.deepEqual(notes.runs.get('mlflow-file:mlruns:abc'), { note: 'Best recall so far.', labels: ['candidate'] });
    assert.deepEqual(notes.runs.get('git:.:0123456789012345678901234567890123456789'), { labels: ['broken'] });
  });

  it('reports a wrong shape with its line and keeps what it can read', () => {
    const notes = parseNotes('version: 1\nlabels:\n  x: pink\nruns:\n  a: just text\n  b:\n    note: kept\n');
    assert.deepEqual(notes.runs.get('b'), { note: 'kept', labels: [] });
    assert.equal(notes.runs.has('a'), false);
    assert.deepEqual(
      notes.problems.map((p) => [p.line, p.message]),
      [
        [3, "label 'x': colour must be one of red, orange, yellow, green, blue, purple, grey"],
        [5, "run 'a': expected note and labels"],
      ],
    );
    assert.match(parseNotes('runs: [unclosed').problems[0]?.message ?? '', /./);
  });

  it('edits one run and keeps comments, order and unknown entries', () => {
    let text = setRunNotes(COMMENTED, 'mlflow-file:mlruns:abc', {
      note: 'Best recall: 0.91',
      labels: ['candidate', 'v2'],
    });
    assert.equal(
      text,
      COMMENTED.replace('note: Best recall so far.', 'note: "Best recall: 0.91"').replace(
        'labels: [candidate]',
        'labels: [candidate, v2]',
      ),
    );
    text = setRunNotes(text, 'tensorboard:runs:train', { note: 'first try' });
    text = setRunNotes(text, 'git:.:0123456789012345678901234567890123456789', { labels: [] });
    const notes = parseNotes(text);
    assert.deepEqual(notes.runs.get('tensorboard:runs:train'), { note: 'first try', labels: [] });
    assert.equal(notes.runs.has('git:.:0123456789012345678901234567890123456789'), false, 'an emptied entry goes');
    assert.ok(text.includes('# Notes and labels of runs, shared by the team.'));
    assert.ok(text.includes('# the tuned run'));
    assert.ok(text.includes('owner: ml-platform # an entry this version does not know'));
    assert.ok(text.includes('reviewed-by: ana'));
    // removing the note keeps the labels
    const cleared = parseNotes(setRunNotes(text, 'mlflow-file:mlruns:abc', { note: null }));
    assert.deepEqual(cleared.runs.get('mlflow-file:mlruns:abc'), { labels: ['candidate', 'v2'] });
    // label colours
    const coloured = setLabelColor(text, 'v2', 'purple');
    assert.equal(parseNotes(coloured).labels.get('v2'), 'purple');
    assert.ok(coloured.includes('candidate: green # ship these'));
  });

  it('round-trips hostile text', () => {
    const note = 'line 1\nline 2: "quoted" # not a comment\n\u202e and a bidi override';
    const text = setRunNotes('', 'file:.:workspace', { note, labels: ['a: b', '- c'] });
    assert.deepEqual(parseNotes(text).runs.get('file:.:workspace'), { note, labels: ['a: b', '- c'] });
    assert.match(text, /^version: 1\n/);
  });

  it('writes atomically, creating .mlops/, and returns the entry before and after', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-notes-'));
    try {
      assert.equal((await readNotesFile(root)).runs.size, 0);
      const first = await writeRunNotes(root, 'k1', { note: 'hello', labels: ['x'] });
      assert.deepEqual(first, { before: { labels: [] }, after: { note: 'hello', labels: ['x'] } });
      const second = await writeRunNotes(root, 'k1', { note: 'changed' });
      assert.deepEqual(second.before, { note: 'hello', labels: ['x'] });
      assert.deepEqual((await readNotesFile(root)).runs.get('k1'), { note: 'changed', labels: ['x'] });
      assert.deepEqual(fs.readdirSync(path.join(root, '.mlops')), ['notes.yaml'], 'no temporary file left');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('never reads or writes through a notes file or .mlops folder that links outside the workspace', async () => {
    const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-notes-link-')));
    const outside = path.join(base, 'outside.yaml');
    const secret = 'version: 1\nruns:\n  k1:\n    note: a secret from outside\n';
    try {
      for (const linked of ['file', 'folder'] as const) {
        const root = path.join(base, `repo-${linked}`);
        fs.mkdirSync(root);
        fs.writeFileSync(outside, secret);
        if (linked === 'file') {
          fs.mkdirSync(path.join(root, '.mlops'));
          fs.symlinkSync(outside, path.join(root, NOTES_FILE));
        } else {
          fs.mkdirSync(path.join(base, 'elsewhere'), { recursive: true });
          fs.copyFileSync(outside, path.join(base, 'elsewhere', 'notes.yaml'));
          fs.symlinkSync(path.join(base, 'elsewhere'), path.join(root, '.mlops'));
        }
        const read = await readNotesFile(root);
        assert.equal(read.runs.size, 0, `${linked}: nothing read from outside`);
        assert.match(read.problems[0]?.message ?? '', /notes\.yaml is outside the workspace/);
        await assert.rejects(writeRunNotes(root, 'k1', { note: 'overwrite' }), /outside the workspace/);
        await assert.rejects(declareLabelColors(root, [{ name: 'x', color: 'red' }]), /outside the workspace/);
        assert.equal(fs.readFileSync(outside, 'utf8'), secret, `${linked}: the outside file is unchanged`);
        if (linked === 'folder')
          assert.equal(fs.readFileSync(path.join(base, 'elsewhere', 'notes.yaml'), 'utf8'), secret);
      }
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('refuses a notes file over the size limit with a problem, and does not edit it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-notes-big-'));
    try {
      fs.mkdirSync(path.join(root, '.mlops'));
      const big = `version: 1\n# ${'x'.repeat(MAX_NOTES_BYTES)}\n`;
      fs.writeFileSync(path.join(root, NOTES_FILE), big);
      const read = await readNotesFile(root);
      assert.match(read.problems[0]?.message ?? '', /larger than 4 MB/);
      await assert.rejects(writeRunNotes(root, 'k1', { note: 'n' }), /larger than 4 MB/);
      assert.equal(fs.statSync(path.join(root, NOTES_FILE)).size, Buffer.byteLength(big));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports, never throws, on the fuzz input that overflowed the YAML parser (seed 1, input 77390)', () => {
    const target = fuzzTargets(path.resolve(__dirname, '../../../..')).find((t) => t.name === 'notes.yaml')!;
    const input = fuzzInput(target, 1, 77390).toString('utf8');
    const notes = parseNotes(input);
    assert.equal(notes.runs.size, 0);
    assert.match(notes.problems[0]?.message ?? '', /larger than 4 MB|nested deeper/);
  });

  it('gives a label without a declared colour a stable palette colour', () => {
    const declared = new Map([['x', 'red' as const]]);
    assert.equal(labelColor('x', declared), 'red');
    assert.equal(labelColor('candidate', declared), labelColor('candidate', new Map()));
  });
});

describe('runs notes from three sources', function () {
  this.timeout(60_000);
  let root = '';
  const shas: string[] = [];

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-notes-git-')));
    git(root, 'init', '-q');
    for (const f1 of [0.7, 0.8, 0.9]) {
      fs.writeFileSync(path.join(root, 'metrics.json'), JSON.stringify({ f1 }));
      git(root, 'add', 'metrics.json');
      git(root, 'commit', '-q', '-m', `f1 ${f1}`);
      shas.push(git(root, 'rev-parse', 'HEAD').trim());
    }
    // Notes written by git itself: one on the first commit, one on the second (which the notes file overrides).
    git(root, 'notes', 'add', '-m', 'Baseline from git notes', shas[0]);
    git(root, 'notes', 'add', '-m', 'Second, by git\n\nwith a paragraph', shas[1]);
    fs.cpSync(path.join(FIXTURES, 'mlflow', 'mlruns'), path.join(root, 'mlruns'), { recursive: true });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads the git notes of many commits in one call', async () => {
    const notes = await readGitNotes(root, [...shas, 'not-a-sha', shas[0]]);
    assert.deepEqual(
      [...notes].sort(),
      [
        [shas[0], 'Baseline from git notes'],
        [shas[1], 'Second, by git\n\nwith a paragraph'],
      ].sort(),
    );
    assert.equal((await readGitNotes(root, [])).size, 0);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-notes-none-'));
    try {
      await assert.rejects(readGitNotes(empty, shas), NotARepositoryError);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('merges the notes file, the MLflow note tag and git notes; the notes file wins', async () => {
    const history = await readHistory(root, { metrics: ['metrics.json'], params: [], plots: [] });
    const store = await mlflowFileStoreSource.read(path.join(root, 'mlruns'), {
      root,
      followed: { metrics: [], params: [], plots: [], live: [] },
    });
    const baseline = store.runs.find((r) => r.label === 'resnet-baseline');
    assert.ok(baseline, 'the MLflow fixture has resnet-baseline');
    assert.equal(baseline.tags[MLFLOW_NOTE_TAG], 'line one\nline two\n', 'written by the mlflow client');
    const sweep = store.runs.find((r) => r.label === 'sweep-1');
    assert.ok(sweep);
    const rowsBefore = [...runsToRows(history.runs, { root }), ...runsToRows(store.runs, { root })];
    const keyOf = (id: string): string => rowsBefore.find((r) => r.runId === id)?.key ?? '';
    assert.equal(keyOf(shas[1]), `git:.:${shas[1]}`);
    assert.equal(keyOf(baseline.id), `mlflow-file:mlruns:${baseline.id}`);
    let text = setRunNotes('', keyOf(shas[1]), {
      note: 'Second, from the notes file',
      labels: ['candidate'],
    });
    text = setRunNotes(text, keyOf(sweep.id), { note: 'Sweep note', labels: [] });
    text = setLabelColor(text, 'candidate', 'green');
    fs.mkdirSync(path.join(root, '.mlops'));
    fs.writeFileSync(path.join(root, NOTES_FILE), text);

    const runs = [...history.runs, ...store.runs];
    const sources = await loadNoteSources(root, runs, true);
    assert.deepEqual(sources.problems, []);
    const rows = [
      ...runsToRows(history.runs, { root, annotate: (k, r) => annotationOf(k, r, sources) }),
      ...runsToRows(store.runs, { root, annotate: (k, r) => annotationOf(k, r, sources) }),
    ];
    const annotation = (id: string) => rows.find((r) => r.runId === id)?.annotation;
    assert.deepEqual(annotation(shas[0]), {
      labels: [],
      note: 'Baseline from git notes',
      noteSource: 'git-notes',
    });
    assert.deepEqual(annotation(shas[1]), {
      labels: [{ name: 'candidate', color: 'green' }],
      note: 'Second, from the notes file',
      noteSource: 'notes-file',
    });
    assert.deepEqual(annotation(shas[2]), { labels: [] });
    assert.deepEqual(annotation(baseline.id), { labels: [], note: 'line one\nline two\n', noteSource: 'mlflow' });
    assert.deepEqual(annotation(sweep.id), { labels: [], note: 'Sweep note', noteSource: 'notes-file' });
    // Without git (an untrusted folder), git notes are not read.
    const noGit = await loadNoteSources(root, runs, false);
    assert.equal(noGit.gitNotes, undefined);
  });
});
