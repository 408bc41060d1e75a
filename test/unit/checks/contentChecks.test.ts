import assert from 'node:assert/strict';
import {
  condaPinned,
  environmentFileKind,
  imagePinned,
  requirementPinned,
} from '../../../src/core/checks/builtin/environment';
import type { CheckResult } from '../../../src/core/checks/types';
import { config, FAKE, failures, KERNEL, makeRepo, notebook, passes, removeTempDirs, run } from './helpers';

describe('notebook-hygiene', () => {
  after(removeTempDirs);
  const checks = '  - { id: notebooks, type: notebook-hygiene }\n';

  it('passes a clean notebook', async () => {
    const dir = makeRepo({
      'mlops.yaml': config(checks),
      'nb/clean.ipynb': notebook([{ source: ['import pandas as pd\n', 'df = pd.read_csv("x.csv")'] }]),
    });
    const report = await run(dir);
    assert.deepEqual(failures(report), []);
    assert.deepEqual(
      passes(report).map((p) => p.message),
      ['execution counts in order', 'kernel metadata present', 'no committed outputs', 'no secrets found'],
    );
  });

  it('reports outputs with their size, cells run out of order and missing kernel metadata, with lines', async () => {
    const text = notebook(
      [
        {
          source: ['1 + 1'],
          count: 3,
          outputs: [{ output_type: 'execute_result', execution_count: 3, data: { 'text/plain': ['2'] }, metadata: {} }],
        },
        { source: ['print("hi")'], count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: ['hi\n'] }] },
        { source: ['x = 1'], count: null },
      ],
      {},
    );
    const report = await run(makeRepo({ 'mlops.yaml': config(checks), 'nb/messy.ipynb': text }));
    const byKey: Record<string, CheckResult> = Object.fromEntries(
      failures(report).map((f): [string, CheckResult] => [f.key ?? '', f]),
    );
    assert.deepEqual(Object.keys(byKey).sort(), ['execution-order', 'kernel', 'outputs']);
    assert.match(
      byKey.outputs.message,
      /^nb\/messy\.ipynb has committed outputs in 2 cells \(\d+ B\), first in cell 1\.$/,
    );
    const lines = text.split('\n');
    assert.match(lines[byKey.outputs.location!.line! - 1], /"outputs": \[/);
    assert.equal(
      byKey['execution-order'].message,
      'nb/messy.ipynb: cells ran out of order: cell 2 has execution count 1, after 3 in cell 1.',
    );
    assert.match(lines[byKey['execution-order'].location!.line! - 1], /"execution_count": 1/);
    assert.match(byKey.kernel.message, /metadata\.kernelspec, metadata\.language_info missing/);
    assert.match(lines[byKey.kernel.location!.line! - 1], /"metadata": \{\}/);
  });

  it('finds secrets in sources and outputs, at error severity, without echoing them', async () => {
    const text = notebook([
      { source: ['import os\n', `AWS_KEY = "${FAKE.awsKeyId}"\n`, `password = "${FAKE.password}"`] },
      {
        source: ['print(token)'],
        count: 1,
        outputs: [{ output_type: 'stream', name: 'stdout', text: ['ok\n', `${FAKE.githubToken}\n`] }],
      },
    ]);
    const report = await run(makeRepo({ 'mlops.yaml': config(checks), 'nb/leak.ipynb': text }));
    const secrets = failures(report).filter((f) => f.key?.startsWith('secret'));
    assert.deepEqual(
      secrets.map((s) => s.message),
      [
        'nb/leak.ipynb: cell 1 source line 2 contains a secret: AWS access key id (AKIA…).',
        'nb/leak.ipynb: cell 1 source line 3 contains a secret: password (…).',
        'nb/leak.ipynb: cell 2 output 1 line 2 contains a secret: GitHub token (ghp_…).',
      ],
    );
    assert.ok(secrets.every((s) => s.severity === 'error'));
    const lines = text.split('\n');
    assert.ok(lines[secrets[0].location!.line! - 1].includes('AWS_KEY'));
    assert.ok(lines[secrets[2].location!.line! - 1].includes('ghp_'));
    const serialized = JSON.stringify(report);
    for (const secret of [FAKE.awsKeyId, FAKE.password, FAKE.githubToken])
      assert.ok(!serialized.includes(secret), 'secret absent from the results');
  });

  it('reports a notebook that is not valid JSON with its position, and a non-notebook', async () => {
    const report = await run(
      makeRepo({
        'mlops.yaml': config(checks),
        'nb/broken.ipynb': '{\n "cells": [\n  {"cell_type": "code",\n',
        'nb/old.ipynb': '{"worksheets": []}',
      }),
    );
    const [broken, old] = failures(report);
    assert.match(broken.message, /^nb\/broken\.ipynb is not valid notebook JSON/);
    assert.equal(broken.location?.file, 'nb/broken.ipynb');
    assert.match(broken.message, /\(line 4, column 1\): unexpected end of input in an object/);
    assert.deepEqual([broken.location?.line, broken.location?.column], [4, 1]);
    assert.match(old.message, /not an nbformat 4 notebook/);
  });

  it('honours options: outputs allowed up to a size, secrets at another severity', async () => {
    const text = notebook(
      [
        {
          source: [`api_key = "${FAKE.apiKey}"`],
          count: 1,
          outputs: [{ output_type: 'stream', name: 'stdout', text: ['hi\n'] }],
        },
      ],
      KERNEL,
    );
    const dir = makeRepo({
      'mlops.yaml': config(
        '  - { id: notebooks, type: notebook-hygiene, options: { maxOutputBytes: 10000, secretsSeverity: warning } }\n',
      ),
      'a.ipynb': text,
    });
    const report = await run(dir);
    assert.deepEqual(
      failures(report).map((f) => [f.key, f.severity]),
      [['secret|generic-api-key|0|source|1', 'warning']],
    );
  });
});

describe('environment', () => {
  after(removeTempDirs);
  const checks = '  - { id: environment, type: environment }\n';

  it('passes pinned requirements, conda files, locked pyprojects and pinned images', async () => {
    const dir = makeRepo({
      'mlops.yaml': config(checks),
      'requirements.txt':
        '# comment\npandas==2.2.3\nnumpy==1.26.4 ; python_version >= "3.9"\n-r requirements-dev.txt\nscikit-learn==1.5.2 \\\n    --hash=sha256:abc\nmylib @ https://example.com/mylib-1.0.whl\n',
      'requirements-dev.txt': 'pytest===8.3.3\n-e .\n',
      'environment.yml':
        'name: ml\ndependencies:\n  - python=3.11\n  - conda-forge::numpy==1.26.4\n  - pip\n  - pip:\n      - mlflow==2.17.0\n',
      'pyproject.toml': '[project]\nname = "x"\ndependencies = [\n  "pandas>=2",\n]\n',
      'uv.lock': 'version = 1\n',
      Dockerfile:
        'ARG BASE=python:3.11-slim\nFROM ${BASE} AS build\nFROM build\nFROM --platform=linux/amd64 nvidia/cuda@sha256:' +
        'b'.repeat(64) +
        '\nFROM scratch\n',
    });
    const report = await run(dir);
    assert.deepEqual(failures(report), []);
    assert.deepEqual(
      passes(report).map((p) => p.target),
      ['Dockerfile', 'environment.yml', 'pyproject.toml', 'requirements-dev.txt', 'requirements.txt'],
    );
  });

  it('fails unpinned lines with their line numbers', async () => {
    const dir = makeRepo({
      'mlops.yaml': config(checks),
      'requirements.txt': 'pandas==2.2.3\nnumpy>=1.20\n\ntorch\nrequests==2.*\n',
      'envs/environment.yaml': 'dependencies:\n  - python\n  - numpy=1.26\n  - scipy>=1.10\n  - pip:\n    - mlflow\n',
      'svc/pyproject.toml': '[tool.poetry]\nname = "svc"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n',
      'svc/Dockerfile': '# base\nFROM python\nRUN pip install x\nfrom ubuntu:latest as base\n',
    });
    const report = await run(dir);
    assert.deepEqual(
      failures(report).map((f) => `${f.location?.file}:${f.location?.line}:${f.location?.column}`),
      [
        'envs/environment.yaml:2:5',
        'envs/environment.yaml:4:5',
        'envs/environment.yaml:6:7',
        'requirements.txt:2:1',
        'requirements.txt:4:1',
        'requirements.txt:5:1',
        'svc/Dockerfile:2:6',
        'svc/Dockerfile:4:6',
        'svc/pyproject.toml:4:undefined',
      ],
    );
    const docker = failures(report).filter((f) => f.target === 'svc/Dockerfile');
    assert.equal(
      docker[0].message,
      'svc/Dockerfile:2: FROM python has no tag, so it means :latest; builds will change under you.',
    );
    assert.equal(
      docker[1].message,
      'svc/Dockerfile:4: FROM ubuntu:latest uses the :latest tag; builds will change under you.',
    );
    assert.match(failures(report).find((f) => f.target === 'svc/pyproject.toml')!.message, /no lock file beside it/);
  });

  it('reads UTF-16 requirements (PowerShell `pip freeze >`) as text, like their UTF-8 copy', async () => {
    const text = 'streamlit==1.29.0\r\npandas\r\nscikit-learn>=1.3\r\n';
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const utf16be = Buffer.from(utf16le);
    utf16be.swap16();
    const dir = makeRepo({
      'mlops.yaml': config(checks),
      'requirements.txt': utf16le,
      'be/requirements.txt': utf16be,
      'utf8/requirements.txt': text,
    });
    const report = await run(dir);
    const found = (prefix: string): string[] =>
      failures(report)
        .filter((f) => f.target === `${prefix}requirements.txt`)
        .map((f) => `${f.location?.line}:${f.location?.column} ${f.message.replace(/^[^:]+:/, '')}`);
    assert.deepEqual(found(''), found('utf8/'));
    assert.deepEqual(found('be/'), found('utf8/'));
    assert.equal(found('').length, 2);
    assert.ok(!failures(report).some((f) => /binary/.test(f.message)));
  });

  it('reads requirement, conda and image specs', () => {
    assert.equal(requirementPinned('pandas==2.2.3'), true);
    assert.equal(requirementPinned('pandas[excel]==2.2.3'), true);
    assert.equal(requirementPinned('pandas>=2'), false);
    assert.equal(requirementPinned('pandas~=2.2'), false);
    assert.equal(requirementPinned('pandas==2.*'), false);
    assert.equal(requirementPinned('pkg @ git+https://github.com/o/r.git'), false);
    assert.equal(requirementPinned('pkg @ git+https://github.com/o/r.git@v1.2.0'), true);
    assert.equal(requirementPinned('--index-url https://example.com/simple'), undefined);
    assert.equal(condaPinned('python=3.11'), true);
    assert.equal(condaPinned('numpy 1.26.*'), false);
    assert.equal(condaPinned('numpy'), false);
    assert.deepEqual(imagePinned('registry.example.com:5000/team/img'), {
      pinned: false,
      reason: 'has no tag, so it means :latest',
    });
    assert.deepEqual(imagePinned('registry.example.com:5000/team/img:1.2'), { pinned: true });
    assert.equal(environmentFileKind('requirements/base.txt'), 'requirements');
    assert.equal(environmentFileKind('a/Dockerfile.gpu'), 'docker');
    assert.equal(environmentFileKind('requirements.in'), undefined);
  });
});
