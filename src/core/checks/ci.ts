// CI workflow files that run `mlops check` on GitHub Actions, Azure Pipelines or GitLab CI: their own
// workflow/job, triggered only when model, data, notebook, metrics or config paths change.
import type { MlopsConfig } from '../formats/mlopsYaml/model';
import { DEFAULT_NOTEBOOK_GLOBS } from './scope';

export type CiProvider = 'github' | 'azure' | 'gitlab';

export const CI_PROVIDERS: readonly CiProvider[] = ['github', 'azure', 'gitlab'];

/** Where each provider's file goes, relative to the repository root. */
export const CI_TARGETS: Record<CiProvider, string> = {
  github: '.github/workflows/mlops-check.yml',
  azure: '.azure-pipelines/mlops-check.yml',
  gitlab: '.gitlab/mlops-check.yml',
};

export const SARIF_FILE = 'mlops.sarif';
export const JUNIT_FILE = 'mlops-junit.xml';

export interface CiOptions {
  /** The npm package spec to install, e.g. `mlops-workbench@0.1.0`. */
  packageSpec: string;
  /** The config file name (default mlops.yaml). */
  configFile?: string;
  /** The checked folder relative to the repository root ('' for the root). */
  folder?: string;
}

/** Escapes glob characters in a literal path for a CI path filter. */
function literal(p: string): string {
  return p.replace(/([*?[\]!+{}])/g, '\\$1');
}

/**
 * Path filters that trigger the checks: the config file, each model and dataset path (as a file, a folder and
 * a DVC `.dvc` file), the metric files, and the notebook globs. Sorted, without duplicates.
 */
export function ciPathFilters(config: MlopsConfig, options: { configFile?: string; folder?: string } = {}): string[] {
  const prefix = options.folder ? `${options.folder.replace(/\/+$/, '')}/` : '';
  const filters = new Set<string>([`${prefix}${literal(options.configFile ?? 'mlops.yaml')}`]);
  for (const entry of [...config.models, ...config.datasets]) {
    const p = literal(entry.path.replace(/\/+$/, ''));
    filters.add(`${prefix}${p}`);
    filters.add(`${prefix}${p}/**`);
    filters.add(`${prefix}${p}.dvc`);
  }
  for (const model of config.models) for (const m of model.metrics) filters.add(`${prefix}${literal(m)}`);
  for (const glob of DEFAULT_NOTEBOOK_GLOBS) filters.add(`${prefix}${glob}`);
  return [...filters].sort();
}

const quote = (text: string): string => JSON.stringify(text);

function yamlList(items: readonly string[], indent: number): string {
  return items.map((item) => `${' '.repeat(indent)}- ${quote(item)}`).join('\n');
}

/** The text of the CI file for a provider. */
export function ciWorkflow(provider: CiProvider, config: MlopsConfig, options: CiOptions): string {
  const filters = ciPathFilters(config, options);
  const cd = options.folder ? `cd ${quote(options.folder)} && ` : '';
  const install = `npm install --no-save --no-package-lock ${options.packageSpec}`;
  const sarif = `${cd}npx mlops check --format sarif --output ${SARIF_FILE} --fail-on never`;
  const junit = `${cd}npx mlops check --format junit --output ${JUNIT_FILE} --fail-on error`;
  const reportPath = (file: string): string =>
    options.folder ? `${options.folder.replace(/\/+$/, '')}/${file}` : file;
  const header = (how: string): string =>
    `# MLOps Workbench pipeline checks, written by \`mlops init-ci --provider ${provider}\`; edit freely.\n` +
    '# It runs only when models, data, notebooks, metrics or the config change, in its own ' +
    `${how}, so application builds never wait for it.\n`;
  if (provider === 'github') {
    return `${header('workflow')}name: MLOps checks

on:
  push:
    paths:
${yamlList(filters, 6)}
  pull_request:
    paths:
${yamlList(filters, 6)}
  workflow_dispatch:

permissions:
  contents: read
  security-events: write

jobs:
  mlops-check:
    name: mlops check
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          # Full history and tags: the regression and staleness checks compare with earlier revisions.
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Install the mlops CLI
        run: ${install}
      - name: Check (SARIF for code scanning)
        run: ${sarif}
      - name: Check (JUnit; fails the job on errors)
        run: ${junit}
      - name: Upload results to code scanning
        if: \${{ always() }}
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: ${reportPath(SARIF_FILE)}
          category: mlops-check
      - name: Keep the reports
        if: \${{ always() }}
        uses: actions/upload-artifact@v4
        with:
          name: mlops-check-reports
          path: |
            ${reportPath(SARIF_FILE)}
            ${reportPath(JUNIT_FILE)}
`;
  }
  if (provider === 'azure') {
    return `${header('pipeline (create a pipeline from this file)')}trigger:
  branches:
    include:
      - "*"
  paths:
    include:
${yamlList(filters, 6)}

pr:
  branches:
    include:
      - "*"
  paths:
    include:
${yamlList(filters, 6)}

pool:
  vmImage: ubuntu-latest

steps:
  - checkout: self
    # Full history and tags: the regression and staleness checks compare with earlier revisions.
    fetchDepth: 0
    fetchTags: true
  - task: NodeTool@0
    inputs:
      versionSpec: "20.x"
  - script: ${install}
    displayName: Install the mlops CLI
  - script: ${sarif}
    displayName: Check (SARIF)
  - script: ${junit}
    displayName: Check (JUnit; fails the run on errors)
  - task: PublishTestResults@2
    condition: succeededOrFailed()
    inputs:
      testResultsFormat: JUnit
      testResultsFiles: ${reportPath(JUNIT_FILE)}
      testRunTitle: MLOps checks
  - task: PublishBuildArtifacts@1
    condition: succeededOrFailed()
    inputs:
      PathtoPublish: ${reportPath(SARIF_FILE)}
      # The SARIF SAST Scans Tab extension shows this artifact.
      ArtifactName: CodeAnalysisLogs
`;
  }
  return `${header('job (needs: [] starts it at once; no other job depends on it)')}# Add it to .gitlab-ci.yml:
#   include:
#     - local: ${CI_TARGETS.gitlab}

mlops-check:
  stage: test
  needs: []
  image: node:20
  variables:
    # Full history: the regression and staleness checks compare with earlier revisions.
    GIT_DEPTH: "0"
  rules:
    - changes:
${yamlList(filters, 8)}
  script:
    - ${install}
    - ${sarif}
    - ${junit}
  artifacts:
    when: always
    paths:
      - ${reportPath(SARIF_FILE)}
      - ${reportPath(JUNIT_FILE)}
    reports:
      junit: ${reportPath(JUNIT_FILE)}
`;
}
