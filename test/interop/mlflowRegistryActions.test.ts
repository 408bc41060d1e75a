// The release actions on a live `mlflow server` (the pinned mlflow): our REST client sets and removes aliases and
// transitions stages, and MlflowClient reads the result back; what the server refuses comes back as a clear error.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { root } from '../harness/paths';
import { MlflowRestClient, MlflowRestError } from '../../src/core/formats/mlflow/rest';
import { quietEnv, startMlflowServer, testPython, type MlflowServer } from '../helpers/mlflowServer';

const run = promisify(execFile);
const scripts = path.join(root, 'test', 'interop', 'mlflow');

interface ReadBack {
  name: string;
  aliases: Record<string, string>;
  versions: { version: string; stage: string; aliases: string[] }[];
}

describe('MLflow registry release actions on a live server (real mlflow)', function () {
  this.timeout(180_000);
  let tmp: string;
  let server: MlflowServer | undefined;
  let client: MlflowRestClient;

  /** The registry as MlflowClient reads it back through the server. */
  async function readBack(): Promise<ReadBack[]> {
    const out = path.join(tmp, `readback-${Date.now()}.json`);
    const code = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(scripts)})`,
      'from mlflow import MlflowClient',
      'from registry import expected_registry',
      'client = MlflowClient(sys.argv[1], sys.argv[1])',
      "json.dump(expected_registry(client), open(sys.argv[2], 'w'))",
    ].join('\n');
    await run(testPython(), ['-c', code, server!.url, out], { env: quietEnv });
    return JSON.parse(fs.readFileSync(out, 'utf8')) as ReadBack[];
  }

  const risk = async (): Promise<ReadBack> => (await readBack()).find((m) => m.name === 'credit-risk')!;
  const stages = (m: ReadBack) => Object.fromEntries(m.versions.map((v) => [v.version, v.stage]));

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-actions-'));
    server = await startMlflowServer(testPython(), path.join(tmp, 'server'));
    // credit-risk: v1 Archived, v2 Production @champion, v3 Staging @challenger, v4 None; analyst's-model v1.
    await run(testPython(), [path.join(scripts, 'registry.py'), server.url, path.join(tmp, 'expected.json')], {
      env: quietEnv,
    });
    client = new MlflowRestClient({ baseUrl: server.url, timeoutMs: 30_000 });
  });

  after(async () => {
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sets an alias on a version and moves one another version held; MlflowClient reads them back', async () => {
    const before = await risk();
    assert.deepEqual(before.aliases, { challenger: '3', champion: '2' });
    await client.setModelAlias('credit-risk', 'candidate', '4');
    await client.setModelAlias('credit-risk', 'champion', '3');
    const after = await risk();
    assert.deepEqual(after.aliases, { candidate: '4', challenger: '3', champion: '3' });
    assert.deepEqual(
      after.versions.map((v) => [v.version, v.aliases]),
      [
        ['1', []],
        ['2', []],
        ['3', ['challenger', 'champion']],
        ['4', ['candidate']],
      ],
    );
    // Our reader sees the same.
    const ours = (await client.listRegisteredModels()).find((m) => m.name === 'credit-risk');
    assert.deepEqual(ours?.aliases, after.aliases);
  });

  it('removes an alias', async () => {
    await client.deleteModelAlias('credit-risk', 'candidate');
    await client.deleteModelAlias("analyst's-model", 'latest-good');
    const all = await readBack();
    assert.deepEqual(all.find((m) => m.name === 'credit-risk')?.aliases, { challenger: '3', champion: '3' });
    assert.deepEqual(all.find((m) => m.name === "analyst's-model")?.aliases, {});
  });

  it('transitions a stage, archiving the version that held it when asked', async () => {
    assert.deepEqual(stages(await risk()), { 1: 'Archived', 2: 'Production', 3: 'Staging', 4: 'None' });
    const moved = await client.transitionModelVersionStage('credit-risk', '4', 'Staging');
    assert.deepEqual([moved.name, moved.version, moved.stage], ['credit-risk', '4', 'Staging']);
    assert.deepEqual(stages(await risk()), { 1: 'Archived', 2: 'Production', 3: 'Staging', 4: 'Staging' });
    const promoted = await client.transitionModelVersionStage('credit-risk', '3', 'Production', true);
    assert.equal(promoted.stage, 'Production');
    assert.deepEqual(stages(await risk()), { 1: 'Archived', 2: 'Archived', 3: 'Production', 4: 'Staging' });
  });

  it('says what the server refused: an alias on a version that does not exist, an unknown model', async () => {
    await assert.rejects(
      () => client.setModelAlias('credit-risk', 'ghost', '99'),
      (err: unknown) =>
        err instanceof MlflowRestError &&
        /credit-risk/.test(err.message) &&
        /99/.test(err.message) &&
        ['not-found', 'server'].includes(err.kind),
    );
    await assert.rejects(
      () => client.transitionModelVersionStage('no-such-model', '1', 'Production'),
      (err: unknown) => err instanceof MlflowRestError && /no-such-model/.test(err.message),
    );
    assert.deepEqual((await risk()).aliases, { challenger: '3', champion: '3' }, 'nothing changed');
  });
});
