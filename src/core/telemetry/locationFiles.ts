// The files a telemetry location stands for: a file, a folder (its files whose names a source reads) or a glob,
// relative to the workspace folder or absolute. Shared by the file sources (prediction logs, OTLP).
import fs from 'node:fs';
import path from 'node:path';
import { walkingFinder } from '../metrics/sources/discover';

/** A path relative to the root, with forward slashes. */
export const relativePath = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');

/**
 * The files of `location` (at most `max`): the file itself, a folder's files whose names match `accept`, or a glob's
 * matches. Throws `missing` when the location is neither a file, a folder nor a glob.
 */
export async function locationFiles(
  root: string,
  location: string,
  accept: RegExp,
  max: number,
  missing = 'no such file or folder.',
): Promise<string[]> {
  const full = path.resolve(root, location);
  let stat: fs.Stats | undefined;
  try {
    stat = await fs.promises.stat(full);
  } catch {
    stat = undefined;
  }
  if (stat?.isFile()) return [full];
  if (stat?.isDirectory()) {
    const found = await walkingFinder(full)('**/*', max * 10);
    return found.filter((f) => accept.test(f)).slice(0, max);
  }
  if (/[*?[{]/.test(location)) {
    const glob = path.isAbsolute(location) ? relativePath(root, location) : location.replace(/^\.\//, '');
    return walkingFinder(root)(glob, max);
  }
  throw new Error(missing);
}
