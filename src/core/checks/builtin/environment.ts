// environment: the software a model is trained and served with is pinned. requirements*.txt lines use `==` or
// hashes; conda environment files give versions; a pyproject.toml with dependencies has a lock file next to it;
// Dockerfile `FROM` images name a tag other than `latest`, or a digest. Findings point at the line.
import { CondaEnvError, readCondaDependencies, type CondaDependency } from '../../formats/condaEnv';
import { option, throwIfAborted, type CheckRun, type CheckTypeDefinition, type Finding } from '../checkType';
import { selectPaths } from '../scope';
import { CheckInputError } from '../types';

export const environment: CheckTypeDefinition = {
  type: 'environment',
  title: 'Environments are pinned',
  description:
    'Checks that dependencies are pinned so a model can be rebuilt: every requirements*.txt line uses == (or --hash), conda environment files give a version for each package, a pyproject.toml with dependencies has a lock file beside it (poetry.lock, uv.lock, pdm.lock or pylock.toml), and every Dockerfile FROM names a tag other than latest, or a digest. Pin the versions you tested with (pip freeze, conda env export, poetry lock, uv lock).',
  scopes: ['paths'],
  defaultSeverity: 'warning',
  needsGit: false,
  rerunOn: [
    'requirements*.txt',
    'pyproject.toml',
    'environment.yml',
    'environment.yaml',
    'conda.yaml',
    'conda.yml',
    'Dockerfile*',
  ],
  docsAnchor: '#environment',
  options: {
    requirements: { title: 'Requirements', type: 'boolean', description: 'Check requirements*.txt (default true).' },
    conda: { title: 'Conda', type: 'boolean', description: 'Check conda environment files (default true).' },
    pyproject: { title: 'Pyproject', type: 'boolean', description: 'Check pyproject.toml lock files (default true).' },
    docker: { title: 'Docker', type: 'boolean', description: 'Check Dockerfile FROM lines (default true).' },
  },
  run: runEnvironment,
};

const MAX_BYTES = 4 * 1024 * 1024;
const LOCK_FILES = ['poetry.lock', 'uv.lock', 'pdm.lock', 'pylock.toml', 'requirements.lock', 'Pipfile.lock'];

type Kind = 'requirements' | 'conda' | 'pyproject' | 'docker';

/** Which environment file a path is, by its name. */
export function environmentFileKind(relativePath: string): Kind | undefined {
  const slash = relativePath.lastIndexOf('/');
  const lower = relativePath.slice(slash + 1).toLowerCase();
  if (lower.endsWith('.txt')) {
    if (lower.startsWith('requirements')) return 'requirements';
    const parent = relativePath.slice(relativePath.lastIndexOf('/', slash - 1) + 1, slash);
    return slash > 0 && parent.toLowerCase() === 'requirements' ? 'requirements' : undefined;
  }
  if (/^(environment.*|conda)\.ya?ml$/.test(lower)) return 'conda';
  if (lower === 'pyproject.toml') return 'pyproject';
  if (
    lower === 'dockerfile' ||
    lower === 'containerfile' ||
    lower.startsWith('dockerfile.') ||
    lower.endsWith('.dockerfile')
  )
    return 'docker';
  return undefined;
}

// ------------------------------------------------------------------------------------------------ requirements

/** Whether one requirement (without comment) is pinned; undefined for lines that are not requirements. */
export function requirementPinned(requirement: string): boolean | undefined {
  const text = requirement.trim();
  if (!text) return undefined;
  if (text.startsWith('-')) {
    // -r/-c include other files (checked on their own); -e/--editable installs a path or VCS checkout.
    if (/^(-e|--editable)\b/.test(text))
      return /@[0-9a-f]{7,40}\b/i.test(text) ? true : /^(-e|--editable)\s+(\.|\/|file:)/.test(text) ? undefined : false;
    return undefined;
  }
  if (/^(\.{1,2}\/|\/|file:)/.test(text)) return undefined;
  if (/--hash[=\s]/.test(text)) return true;
  const spec = text.split(';')[0];
  const direct = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*@\s*(\S+)/.exec(spec);
  if (direct) {
    // A direct reference: a file URL is fixed; a VCS URL is pinned when it names a revision (`...repo.git@v1.2`).
    const url = direct[2];
    return /^(git|hg|svn|bzr)\+/.test(url) ? /@[^/#]+/.test(url.replace(/^[a-z+]+:\/\/[^/]*/, '')) : true;
  }
  return /(===|==)\s*[^\s,*]+\s*$/.test(spec) && !/[<>~!]=?|\*/.test(spec.replace(/===?/, ''));
}

function checkRequirements(path: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const startLine = i;
    let logical = lines[i];
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) logical = logical.replace(/\\\s*$/, ' ') + lines[++i];
    const withoutComment = logical.replace(/(^|\s)#.*$/, '');
    const pinned = requirementPinned(withoutComment);
    if (pinned !== false) continue;
    const requirement = withoutComment.trim();
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement)?.[0] ?? requirement;
    const column = lines[startLine].indexOf(requirement.split(/\s/)[0]) + 1;
    findings.push({
      target: path,
      message: `${path}:${startLine + 1}: '${requirement}' is not pinned to an exact version.`,
      hint: `Pin it (${name}==<version>; pip freeze shows what is installed), or generate the file with pip-compile / uv pip compile (--generate-hashes).`,
      location: { file: path, line: startLine + 1, column: Math.max(1, column) },
      key: `requirement|${name.toLowerCase()}`,
    });
  }
  return findings;
}

// ------------------------------------------------------------------------------------------------ conda

/** Whether a conda dependency spec (`numpy=1.26`, `conda-forge::numpy==1.26.4=py311_0`) pins a version. */
export function condaPinned(spec: string): boolean {
  const text = spec.trim().replace(/^[^:\s]+::/, '');
  const m = /^([A-Za-z0-9_.-]+)\s*(.*)$/.exec(text);
  if (!m) return false;
  if (m[1] === 'pip') return true;
  const rest = m[2].trim();
  if (!rest) return false;
  const version = rest.replace(/^==?/, '').trim();
  return /^\d/.test(version) && !/[*<>|,!~]/.test(version);
}

function checkConda(path: string, text: string): Finding[] {
  let dependencies: CondaDependency[];
  try {
    dependencies = readCondaDependencies(text);
  } catch (err) {
    if (!(err instanceof CondaEnvError)) throw err;
    throw new CheckInputError(`${path}:${err.line}:${err.column}: not valid YAML: ${err.message}`, path, {
      line: err.line,
      column: err.column,
    });
  }
  const findings: Finding[] = [];
  for (const { spec, pip, line, column } of dependencies) {
    const pinned = pip ? requirementPinned(spec.replace(/(^|\s)#.*$/, '')) !== false : condaPinned(spec);
    if (pinned) continue;
    const name = /^(?:[^:\s]+::)?([A-Za-z0-9_.-]+)/.exec(spec)?.[1] ?? spec;
    findings.push({
      target: path,
      message: `${path}:${line}: '${spec}' is not pinned to a version.`,
      hint: pip
        ? `Pin it (${name}==<version>).`
        : `Pin it (${name}=<version>); conda env export --no-builds lists what is installed.`,
      location: { file: path, line, column },
      key: `${pip ? 'pip' : 'conda'}|${name.toLowerCase()}`,
    });
  }
  return findings;
}

// ------------------------------------------------------------------------------------------------ pyproject

function pyprojectDependenciesLine(text: string): number | undefined {
  let table = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]/.exec(lines[i]);
    if (header) {
      table = header[1];
      if (table === 'tool.poetry.dependencies' || table === 'dependency-groups') return i + 1;
      continue;
    }
    if (
      table === 'project' &&
      /^\s*dependencies\s*=\s*\[\s*("|'|$)/.test(lines[i]) &&
      !/^\s*dependencies\s*=\s*\[\s*\]/.test(lines[i])
    )
      return i + 1;
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------ Dockerfile

/** Whether an image reference is pinned: a digest, or a tag other than `latest`. */
export function imagePinned(image: string): { pinned: boolean; reason?: string } {
  if (/@sha256:[0-9a-f]{64}$/i.test(image)) return { pinned: true };
  const lastSlash = image.lastIndexOf('/');
  const name = image.slice(lastSlash + 1);
  const colon = name.indexOf(':');
  if (colon === -1) return { pinned: false, reason: 'has no tag, so it means :latest' };
  const tag = name.slice(colon + 1);
  if (tag.toLowerCase() === 'latest') return { pinned: false, reason: 'uses the :latest tag' };
  return { pinned: true };
}

function checkDockerfile(path: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split(/\r?\n/);
  const args = new Map<string, string>();
  const stages = new Set<string>();
  let seenFrom = false;
  for (let i = 0; i < lines.length; i++) {
    const startLine = i;
    if (/^\s*#/.test(lines[i])) continue;
    let logical = lines[i];
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) logical = logical.replace(/\\\s*$/, ' ') + lines[++i];
    const instruction = /^\s*([A-Za-z]+)\s+(.*)$/.exec(logical);
    if (!instruction) continue;
    const keyword = instruction[1].toUpperCase();
    if (keyword === 'ARG' && !seenFrom) {
      const arg = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(?:"([^"]*)"|'([^']*)'|(\S*)))?/.exec(instruction[2].trim());
      if (arg) args.set(arg[1], arg[2] ?? arg[3] ?? arg[4] ?? '');
      continue;
    }
    if (keyword !== 'FROM') continue;
    seenFrom = true;
    const tokens = instruction[2]
      .trim()
      .split(/\s+/)
      .filter((t) => !t.startsWith('--'));
    const written = tokens[0] ?? '';
    if (tokens.length >= 3 && tokens[1].toLowerCase() === 'as') stages.add(tokens[2].toLowerCase());
    const image = written.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
        const value = args.get(braced ?? bare ?? '');
        return value !== undefined && value !== '' ? value : (fallback ?? whole);
      },
    );
    if (!image || image.includes('$') || image.toLowerCase() === 'scratch' || stages.has(image.toLowerCase())) continue;
    const { pinned, reason } = imagePinned(image);
    if (pinned) continue;
    const column = lines[startLine].indexOf(written) + 1;
    findings.push({
      target: path,
      message: `${path}:${startLine + 1}: FROM ${image} ${reason}; builds will change under you.`,
      hint: `Pin a version tag (e.g. ${image.split(':')[0]}:<version>) or a digest (${image.split(':')[0]}@sha256:<digest>).`,
      location: {
        file: path,
        line: startLine + 1,
        column: Math.max(1, column),
        endLine: startLine + 1,
        endColumn: Math.max(1, column) + written.length,
      },
      key: `from|${image.toLowerCase()}`,
    });
  }
  return findings;
}

// ------------------------------------------------------------------------------------------------ run

async function runEnvironment({ context, check, sink, signal }: CheckRun): Promise<void> {
  const enabled: Record<Kind, boolean> = {
    requirements: option(check, 'requirements', true),
    conda: option(check, 'conda', true),
    pyproject: option(check, 'pyproject', true),
    docker: option(check, 'docker', true),
  };
  const files = (await selectPaths(context, check, signal)).filter((f) => {
    const kind = environmentFileKind(f.path);
    return kind !== undefined && enabled[kind];
  });
  if (files.length === 0) {
    sink.skip('environment', 'No requirements, conda, pyproject or Dockerfile files found.');
    return;
  }
  for (const file of files) {
    throwIfAborted(signal);
    const kind = environmentFileKind(file.path) as Kind;
    let findings: Finding[];
    try {
      const text = await context.files.readText(file.path, MAX_BYTES);
      if (kind === 'requirements') findings = checkRequirements(file.path, text);
      else if (kind === 'conda') findings = checkConda(file.path, text);
      else if (kind === 'docker') findings = checkDockerfile(file.path, text);
      else {
        findings = [];
        const line = pyprojectDependenciesLine(text);
        const folder = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/') + 1) : '';
        if (line !== undefined) {
          const locks = await Promise.all(LOCK_FILES.map((lock) => context.files.stat(`${folder}${lock}`)));
          if (!locks.some(Boolean)) {
            findings.push({
              target: file.path,
              message: `${file.path} declares dependencies but has no lock file beside it (${LOCK_FILES.slice(0, 4).join(', ')}).`,
              hint: 'Create and commit one: poetry lock, uv lock or pdm lock.',
              location: { file: file.path, line },
              key: 'lock',
            });
          }
        }
      }
    } catch (err) {
      if (!(err instanceof CheckInputError)) throw err;
      sink.fail({
        target: file.path,
        message: err.message,
        location: { file: err.file, line: err.position?.line, column: err.position?.column },
        key: 'read',
      });
      continue;
    }
    if (findings.length === 0) sink.pass(file.path, 'pinned', { location: { file: file.path }, key: kind });
    for (const finding of findings) sink.fail(finding);
  }
}
