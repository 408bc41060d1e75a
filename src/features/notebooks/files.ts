import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { errorMessage } from '../../core/logging';
import { readNotebooksConfig, type NotebooksConfig } from '../../core/notebooks/config';

/**
 * Replaces (or creates) a file atomically: the content goes to a temporary file in the same folder, with the same
 * permissions, which is then renamed over the target. A crash never leaves a half-written file.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const mode = await fs.stat(file).then(
    (stat) => stat.mode & 0o7777,
    () => 0o644,
  );
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`,
  );
  try {
    await fs.writeFile(temporary, content, { mode, flag: 'wx' });
    await fs.rename(temporary, file);
  } catch (err) {
    await fs.rm(temporary, { force: true });
    throw err;
  }
}

/** The `notebooks:` section of a workspace folder's mlops.yaml (empty when there is no file or no section). */
export async function readNotebooksSection(folder: string): Promise<NotebooksConfig & { conventions: string[] }> {
  const file = path.join(folder, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { conventions: [] };
    throw new Error(`Cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  let document: unknown;
  try {
    document = parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new Error(
      `${CONFIG_FILE_NAME} is not valid YAML (${errorMessage(err).split('\n')[0]}); fix it to use its notebooks settings.`,
      { cause: err },
    );
  }
  const record =
    document !== null && typeof document === 'object' && !Array.isArray(document)
      ? (document as Record<string, unknown>)
      : {};
  const conventions =
    record.conventions !== null && typeof record.conventions === 'object'
      ? (record.conventions as Record<string, unknown>).notebooks
      : undefined;
  const patterns =
    typeof conventions === 'string'
      ? [conventions]
      : Array.isArray(conventions)
        ? conventions.filter((p): p is string => typeof p === 'string')
        : [];
  return { ...readNotebooksConfig(record.notebooks, CONFIG_FILE_NAME), conventions: patterns };
}
