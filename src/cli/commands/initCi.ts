// `mlops init-ci --provider github|azure|gitlab [--force] [--package spec] [folder]`: writes a CI workflow that
// runs `mlops check` and publishes SARIF / JUnit, triggered only by model, data, notebook, metrics or config
// changes. Refuses to overwrite an existing file without --force (exit 1).
import fs from 'node:fs';
import path from 'node:path';
import { FileExistsError, writeFileAtomic } from '../../core/atomicWrite';
import { line, lines } from '../output';
import { defineCommand, EXIT, parseCommandArgs, UsageError, type CliIo } from '../registry';

const PROVIDERS = ['github', 'azure', 'gitlab'] as const;
type Provider = (typeof PROVIDERS)[number];

export interface InitCiArgs {
  provider: Provider;
  force: boolean;
  folder: string;
  packageSpec?: string;
}

const HELP = `Usage: mlops init-ci --provider github|azure|gitlab [--force] [--package <spec>] [folder]

Writes a CI workflow that runs 'mlops check' (SARIF and JUnit reports) only when models, datasets, notebooks,
metric files or mlops.yaml change, in its own workflow or job.
  github  .github/workflows/mlops-check.yml (uploads SARIF to code scanning)
  azure   .azure-pipelines/mlops-check.yml (publishes JUnit test results)
  gitlab  .gitlab/mlops-check.yml (JUnit report; include it from .gitlab-ci.yml)

Options:
  --provider <p>    github, azure or gitlab (required)
  --force           overwrite an existing file
  --package <spec>  the npm package the workflow installs (default mlops-workbench@<this version>)
`;

const OPTIONS = {
  provider: { type: 'string' },
  force: { type: 'boolean' },
  package: { type: 'string' },
} as const;

/** Parses the arguments of `mlops init-ci`; throws UsageError. Returns undefined for --help. */
export function parseInitCiArgs(args: readonly string[]): InitCiArgs | undefined {
  const parsed = parseCommandArgs('init-ci', HELP, args, OPTIONS);
  if (parsed === 'help') return undefined;
  const { values, positionals } = parsed;
  const provider = values.provider;
  if (positionals.length > 1) throw new UsageError(`only one folder; got '${positionals[0]}' and '${positionals[1]}'.`);
  if (provider === undefined) throw new UsageError(`--provider is required: ${PROVIDERS.join(', ')}.`);
  if (!(PROVIDERS as readonly string[]).includes(provider))
    throw new UsageError(`unknown provider '${provider}'; use ${PROVIDERS.join(', ')}.`);
  return {
    provider: provider as Provider,
    force: values.force === true,
    folder: positionals[0] ?? '.',
    packageSpec: values.package,
  };
}

async function runInitCi(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseInitCiArgs(args);
  if (!parsed) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const folder = path.resolve(io.cwd, parsed.folder);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`${folder} is not a folder.`);
  const [
    { ciWorkflow, CI_TARGETS },
    { loadProjectConfig },
    types,
    { runGit },
    {
      default: { version },
    },
  ] = await Promise.all([
    import('../../core/checks/ci.js'),
    import('../../core/checks/defaults/config.js'),
    import('../../core/checks/types.js'),
    import('../../core/checks/defaults/git.js'),
    import('../../../package.json'),
  ]);
  let loaded;
  try {
    loaded = loadProjectConfig(folder);
  } catch (err) {
    if (err instanceof types.ChecksConfigError || err instanceof types.CheckInputError) {
      const [first = '', ...rest] = err instanceof types.ChecksConfigError ? err.lines : [err.message];
      io.stderr(lines([`mlops init-ci: ${first}`, ...rest]));
      return EXIT.usage;
    }
    throw err;
  }
  // The workflow lives at the repository root; the config may sit in a subfolder of it.
  const [top, prefix] = await Promise.all(
    [
      ['rev-parse', '--show-toplevel'],
      ['rev-parse', '--show-prefix'],
    ].map((a) =>
      runGit(folder, a).then(
        (r) => (r.code === 0 ? r.stdout.trim() : undefined),
        () => undefined,
      ),
    ),
  );
  const repositoryRoot = top ? path.resolve(top) : folder;
  const subfolder = top ? (prefix ?? '').replace(/\/+$/, '') : '';
  const target = path.join(repositoryRoot, CI_TARGETS[parsed.provider]);
  const shown = path.relative(io.cwd, target) || target;
  const text = ciWorkflow(parsed.provider, loaded.config, {
    packageSpec: parsed.packageSpec ?? `mlops-workbench@${version}`,
    configFile: loaded.file,
    folder: subfolder,
  });
  try {
    // Without --force the existence check and the write are one step.
    await writeFileAtomic(target, text, { exclusive: !parsed.force, createFolders: true });
  } catch (err) {
    if (err instanceof FileExistsError) {
      io.stderr(line(`mlops init-ci: ${shown} already exists; left unchanged. Use --force to overwrite it.`));
      return EXIT.failed;
    }
    throw err;
  }
  io.stdout(line(`Wrote ${shown}`));
  if (parsed.provider === 'gitlab')
    io.stdout(`Include it from .gitlab-ci.yml:\n  include:\n    - local: ${CI_TARGETS.gitlab}\n`);
  if (parsed.provider === 'azure')
    io.stdout('Create a pipeline from this file in Azure DevOps (Pipelines > New pipeline > Existing YAML file).\n');
  return EXIT.ok;
}

defineCommand('init-ci', 'write a CI workflow that runs mlops check (github, azure, gitlab)', runInitCi);
