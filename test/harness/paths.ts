import path from 'node:path';

/** The repository root, from the compiled location out/test/harness/paths.js or the source location. */
export const root = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');
/** Everything generated or downloaded lives inside the clone, under .cache/ (ignored by git). */
export const cacheDir = path.join(root, '.cache');
export const CODE_SERVER_VERSION = '4.100.3';
export const codeServerDir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const resultsDir = path.join(root, 'test-results');
export const demoCacheDir = path.join(cacheDir, 'demo');
export const vsixPath = path.join(root, 'mlops-workbench.vsix');
