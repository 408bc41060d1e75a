// The check shared by the interop test (a freshly generated project) and the unit tests (the committed fixture):
// discovery and hashing must report what DVC and MLflow themselves report.
import assert from 'node:assert/strict';
import path from 'node:path';
import { discoverWorkspace, type WorkspaceItem } from '../../../src/core/workspace/discovery';
import { dvcDirectoryHash, hashFile } from '../../../src/core/workspace/hash';

export interface Expected {
  dvcOuts: {
    path: string;
    md5: string;
    size: number;
    nfiles: number | null;
    isDirectory: boolean;
    declaredIn: string;
    cache: boolean;
  }[];
  dvcArtifacts: {
    name: string;
    path: string;
    type: string;
    description: string | null;
    labels: string[];
    declaredIn: string;
  }[];
  registeredVersions: {
    name: string;
    version: string;
    stage: string;
    description: string | null;
    aliases: string[];
    tags: Record<string, string>;
    runId: string;
    source: string;
    status: string;
  }[];
}

/** Checks discovery and hashing of a project against what the tools reported about it (expected.json). */
export async function checkProject(root: string, expected: Expected): Promise<void> {
  const result = await discoverWorkspace({ root });
  assert.deepEqual(result.problems, []);
  const byPath = (p: string): WorkspaceItem => {
    const item = result.items.find((i) => i.relativePath === p && i.source !== 'mlflow-registry');
    assert.ok(item, `an item at ${p}; items: ${result.items.map((i) => i.relativePath).join(', ')}`);
    return item;
  };
  for (const out of expected.dvcOuts) {
    if (out.declaredIn.endsWith('.dvc') || /\.(pkl|csv)$/.test(out.path)) {
      const item = byPath(out.path);
      assert.ok(item.sources.includes('dvc-tracked'), `${out.path} is DVC-tracked`);
      assert.equal(item.dvc?.md5, out.md5, `${out.path} md5`);
      assert.equal(item.dvc?.size, out.size, `${out.path} size`);
      if (out.nfiles !== null) assert.equal(item.dvc?.nfiles, out.nfiles);
      assert.equal(item.isDirectory, out.isDirectory);
      assert.equal(item.missing, false);
      const absolute = path.join(root, out.path);
      if (out.isDirectory) {
        const dir = await dvcDirectoryHash(absolute);
        assert.deepEqual(
          { md5: dir.md5, nfiles: dir.nfiles, size: dir.size },
          { md5: out.md5, nfiles: out.nfiles, size: out.size },
          `our .dir hash of ${out.path}`,
        );
      } else {
        const hashed = await hashFile(absolute, { algorithm: 'md5' });
        assert.equal(hashed.status === 'hashed' ? hashed.hash : hashed.reason, out.md5, `our md5 of ${out.path}`);
      }
    } else {
      assert.equal(
        result.items.find((i) => i.relativePath === out.path),
        undefined,
        `${out.path} (metrics) is not an item`,
      );
    }
  }
  for (const artifact of expected.dvcArtifacts) {
    const item = byPath(artifact.path);
    assert.equal(item.source, 'dvc-artifact');
    assert.equal(item.kind, artifact.type);
    assert.equal(item.name, artifact.name);
    assert.equal(item.description, artifact.description ?? undefined);
    assert.deepEqual(item.tags, artifact.labels);
    assert.equal(item.dvc?.declaredIn, artifact.path === 'data/images' ? 'data/images.dvc' : artifact.declaredIn);
  }
  assert.equal(
    result.items.find((i) => i.relativePath === 'plots/curve.csv'),
    undefined,
    'a DVC plots file is not a dataset',
  );
  const registry = result.items.filter((i) => i.source === 'mlflow-registry');
  assert.deepEqual(
    registry.map((i) => ({
      name: i.name,
      version: i.version,
      stage: i.stage,
      description: i.description,
      aliases: i.mlflow?.aliases,
      tags: i.tags.filter((t) => !t.startsWith('@')),
      runId: i.mlflow?.runId,
      source: i.mlflow?.source,
      status: i.mlflow?.status,
    })),
    expected.registeredVersions.map((v) => ({
      name: v.name,
      version: v.version,
      stage: v.stage === 'None' ? undefined : v.stage.toLowerCase(),
      description: v.description ?? undefined,
      aliases: v.aliases,
      tags: Object.entries(v.tags).map(([k, value]) => `${k}=${value}`),
      runId: v.runId,
      source: v.source,
      status: v.status,
    })),
  );
}
