// DVC's listing of a cached folder: the `<md5>.dir` object in the cache, a JSON list of the folder's files
// (`[{"md5": "...", "relpath": "metrics.json"}, ...]`, DVC 3 adding size and isexec), whose md5 dvc.lock or a `.dvc`
// file records for the folder.

/** The md5 the listing records for `relpath` (posix, relative to the folder); undefined when it lists no such file. */
export function md5InDirListing(listing: Buffer | string, relpath: string): string | undefined {
  let entries: unknown;
  try {
    entries = JSON.parse(typeof listing === 'string' ? listing : listing.toString('utf8'));
  } catch {
    return undefined; // A damaged listing holds nothing we can use: the file stays unread.
  }
  if (!Array.isArray(entries)) return undefined;
  for (const entry of entries as { md5?: unknown; relpath?: unknown }[])
    if (entry && entry.relpath === relpath && typeof entry.md5 === 'string') return entry.md5;
  return undefined;
}
