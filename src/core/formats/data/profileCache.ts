// The profile cache's own files: one JSON file per content hash in a folder the caller names, plus a bounded
// in-memory map. A profile of the same bytes is the same profile, so entries never go stale.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../atomicWrite';
import { type DatasetProfile } from '../../data/model';

/** Profiles cached by content hash: in memory, and in `dir` (one JSON file per hash) when given. */
export class ProfileCache {
  private readonly memory = new Map<string, DatasetProfile>();
  /** Lookups answered from the cache (so a caller can say a profile was cached). */
  hits = 0;

  constructor(
    private readonly dir?: string,
    private readonly maxEntries = 64,
  ) {}

  private file(hash: string): string | undefined {
    if (!this.dir || !/^[0-9a-f]{16,128}$/.test(hash)) return undefined;
    return path.join(this.dir, `${hash}.json`);
  }

  get(hash: string): DatasetProfile | undefined {
    const hit = this.memory.get(hash);
    if (hit) {
      this.hits++;
      return hit;
    }
    const file = this.file(hash);
    if (!file || !fs.existsSync(file)) return undefined;
    try {
      const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as DatasetProfile;
      this.remember(hash, profile);
      this.hits++;
      return profile;
    } catch {
      return undefined;
    }
  }

  async set(hash: string, profile: DatasetProfile): Promise<void> {
    this.remember(hash, profile);
    const file = this.file(hash);
    if (!file) return;
    await writeFileAtomic(file, JSON.stringify(profile), { createFolders: true });
  }

  private remember(hash: string, profile: DatasetProfile): void {
    this.memory.delete(hash);
    this.memory.set(hash, profile);
    while (this.memory.size > this.maxEntries) {
      const oldest = this.memory.keys().next().value;
      if (oldest === undefined) break;
      this.memory.delete(oldest);
    }
  }
}
