// TensorBoard event files: the outermost folders holding run folders with `events.out.tfevents.*` files.
import path from 'node:path';
import { errorMessage } from '../../logging';
import type { Run } from '../model';
import { eventLogFolders } from '../report';
import { findEventRuns, readEventRun } from '../../formats/tensorboard/runs';
import type { MetricSourceDefinition } from './types';
import { summarizeProblems } from './types';

export const tensorboardSource: MetricSourceDefinition = {
  kind: 'tensorboard',
  label: 'TensorBoard',
  description:
    'TensorBoard log folders: one run per folder of event files, with every scalar per step and its HParams as params.',
  discovery: {
    globs: ['**/events.out.tfevents.*'],
    maxResults: 5000,
    locate: (matches, root) => eventLogFolders([...new Set(matches.map((m) => path.dirname(m)))].sort(), root),
  },
  watch: ['**/events.out.tfevents.*'],
  needs: {},
  async read(location) {
    const runs: Run[] = [];
    const problems: string[] = [];
    for (const folder of await findEventRuns(location)) {
      try {
        const { run, definitionOnly } = await readEventRun(folder);
        if (!definitionOnly) runs.push({ ...run, source: { kind: 'tensorboard', location } });
      } catch (err) {
        problems.push(errorMessage(err));
      }
    }
    return { runs, problems: summarizeProblems(problems, 'run folders could not be read') };
  },
};
