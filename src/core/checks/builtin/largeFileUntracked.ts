// large-file-untracked: files above a size limit that git would store as plain blobs (not Git LFS pointers, not
// DVC-tracked, not ignored). The fix is `git lfs track` (a .gitattributes line) or `dvc add`.
import { ARTIFACT_GLOBS } from '../rerun';
import { option, throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { fileExtension } from '../../formats/naming';
import { selectPaths } from '../scope';
import { formatBytes, parseSize, SIZE_PATTERN } from '../../sizes';

export const largeFileUntracked: CheckTypeDefinition = {
  type: 'large-file-untracked',
  title: 'Large files are in Git LFS or DVC',
  description:
    'Finds files above the size limit (default 10 MB) that git stores, or would store, as plain blobs: not Git LFS pointers or `filter=lfs` paths, not tracked by DVC, and not ignored. Large blobs bloat every clone for good. Track the file type with Git LFS (`git lfs track "*.ext"`, which adds a .gitattributes line) or hand the file to DVC (`dvc add <file>`).',
  scopes: ['paths'],
  defaultSeverity: 'error',
  needsGit: true,
  rerunOn: ['.gitattributes', '.gitignore', ...ARTIFACT_GLOBS],
  docsAnchor: '#large-file-untracked',
  options: {
    maxSize: {
      title: 'Maximum size',
      anyOf: [
        { type: 'number', minimum: 0 },
        { type: 'string', pattern: SIZE_PATTERN },
      ],
      description:
        "Largest size allowed as a plain git blob: bytes, or text such as '10MB' or '500KB' (units of 1024). Default 10MB.",
    },
  },
  run: runLargeFileUntracked,
};

/** The .gitattributes line that puts a file's type (or the file, when it has no extension) in Git LFS. */
export function lfsAttributesLine(relativePath: string): string {
  const ext = fileExtension(relativePath);
  const pattern = ext ? `*.${ext}` : `/${relativePath.replace(/([ *?[\]!#\\])/g, '\\$1')}`;
  return `${pattern} filter=lfs diff=lfs merge=lfs -text`;
}

/** A path as a POSIX shell word: as is when plain, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

async function runLargeFileUntracked({ context, check, sink, signal }: CheckRun): Promise<void> {
  const limit = parseSize(option<unknown>(check, 'maxSize', '10MB')) ?? 10 * 1024 * 1024;
  const files = await selectPaths(context, check, signal);
  let within = 0;
  for (const file of files) {
    if (file.size <= limit) {
      within++;
      continue;
    }
    throwIfAborted(signal);
    const size = formatBytes(file.size);
    if (await context.git.isLfsPointer(file.path)) {
      sink.pass(file.path, `${file.path} (${size}) is stored with Git LFS`, {
        location: { file: file.path },
        key: 'size',
      });
      continue;
    }
    if (await context.git.isDvcTracked(file.path)) {
      sink.pass(file.path, `${file.path} (${size}) is tracked by DVC`, { location: { file: file.path }, key: 'size' });
      continue;
    }
    const tracked = (await context.git.isRepository()) && (await context.git.isTracked(file.path));
    const line = lfsAttributesLine(file.path);
    const ext = fileExtension(file.path);
    sink.fail({
      target: file.path,
      message: `${file.path} is ${size}, above the ${formatBytes(limit)} limit, and ${tracked ? 'is committed' : 'would be committed'} as a plain git blob.`,
      hint: `Track it with Git LFS: git lfs track ${ext ? `"*.${ext}"` : shellQuote(file.path)} (adds '${line}' to .gitattributes), or with DVC: dvc add ${shellQuote(file.path)}${tracked ? ` (first: git rm --cached ${shellQuote(file.path)})` : ''}.`,
      location: { file: file.path },
      key: 'size',
      fix: { kind: 'appendLine', file: '.gitattributes', line },
    });
  }
  sink.pass('(all files)', `${within} of ${files.length} files are within ${formatBytes(limit)}`, {
    key: 'within-limit',
  });
}
