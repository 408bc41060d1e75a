// What a repository needs so that git strips notebooks on `git add` and diffs them without outputs: a clean filter and
// a textconv diff driver in the repository's git config (git cannot share those through a clone), and one line in
// .gitattributes (which is committed). These functions only compute the settings and the file text; the caller runs
// `git config` and writes the file.

/** Name of the git filter and diff driver. */
export const NOTEBOOK_FILTER_NAME = 'mlops-nbstrip';

export interface GitFilterSettings {
  /** `git config --local <key> <value>` pairs, in order. */
  config: [key: string, value: string][];
  /** The .gitattributes line that routes notebooks through the filter and the diff driver. */
  attributesLine: string;
}

/**
 * The settings for a command that runs the `mlops` CLI (e.g. `"/usr/bin/node" "/path/cli.js"` or `mlops`).
 * `required` makes git refuse to add a notebook when the filter cannot run (nbstripout's choice), rather than
 * committing it unstripped.
 */
export function notebookFilterSettings(command: string, options: { required?: boolean } = {}): GitFilterSettings {
  const name = NOTEBOOK_FILTER_NAME;
  return {
    config: [
      [`filter.${name}.clean`, `${command} nbstrip --stdin`],
      [`filter.${name}.smudge`, 'cat'],
      [`filter.${name}.required`, String(options.required ?? true)],
      [`diff.${name}.textconv`, `${command} nbstrip --textconv`],
    ],
    attributesLine: `*.ipynb filter=${name} diff=${name}`,
  };
}

const attributesPattern = /^\s*\*\.ipynb\s+(.*)$/;

/** Whether a .gitattributes text already routes *.ipynb through the filter (any nbstripout-style filter counts). */
export function hasNotebookFilter(attributes: string): { filter: string | undefined; diff: string | undefined } {
  let filter: string | undefined;
  let diff: string | undefined;
  for (const line of attributes.split(/\r?\n/)) {
    const match = attributesPattern.exec(line);
    if (!match) continue;
    for (const attribute of (match[1] ?? '').split(/\s+/)) {
      if (attribute.startsWith('filter=')) filter = attribute.slice('filter='.length);
      else if (attribute.startsWith('diff=')) diff = attribute.slice('diff='.length);
    }
  }
  return { filter, diff };
}

/**
 * The .gitattributes text with the notebook line added (unchanged when it is already there); keeps the file's line
 * endings and ends with a line break.
 */
export function withNotebookAttributes(
  attributes: string,
  settings: GitFilterSettings = notebookFilterSettings('mlops'),
): string {
  const current = hasNotebookFilter(attributes);
  if (current.filter === NOTEBOOK_FILTER_NAME && current.diff === NOTEBOOK_FILTER_NAME) return attributes;
  const newline = attributes.includes('\r\n') ? '\r\n' : '\n';
  const base = attributes === '' || attributes.endsWith('\n') ? attributes : attributes + newline;
  return `${base}${settings.attributesLine}${newline}`;
}
