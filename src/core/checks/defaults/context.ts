// Builds a CheckContext from the default readers (mlops.yaml, the file system, git, metric files). The editor
// may build its own from the workspace readers instead.
import path from 'node:path';
import { silentLogger, type Logger } from '../../logging';
import type { CheckContext } from '../types';
import { loadProjectConfig, type LoadedConfig } from './config';
import { createFileLister } from './files';
import { createGitHelper, createOfflineGitHelper } from './git';
import { createMetricsProvider } from './metrics';

export interface DefaultContextOptions {
  logger?: Logger;
  /** The clock (default Date.now). */
  now?: () => number;
  /** Cancels git processes and the file walk. */
  signal?: AbortSignal;
  /** An already loaded config (default: read `<root>/mlops.yaml`). */
  loaded?: LoadedConfig;
  /** Run no git process (an untrusted workspace): git answers come from files only; the check types with `needsGit` are skipped. */
  offline?: boolean;
}

/** A CheckContext for `root`. Throws CheckInputError / ChecksConfigError when mlops.yaml is missing or invalid. */
export function createDefaultContext(root: string, options: DefaultContextOptions = {}): CheckContext {
  const absolute = path.resolve(root);
  const logger = options.logger ?? silentLogger;
  const loaded = options.loaded ?? loadProjectConfig(absolute);
  const files = createFileLister(absolute, { exclude: loaded.config.exclude });
  const git = options.offline ? createOfflineGitHelper(absolute) : createGitHelper(absolute, logger, options.signal);
  return {
    root: absolute,
    config: loaded.config,
    configFile: loaded.file,
    positionOf: loaded.positionOf,
    files,
    git,
    metrics: createMetricsProvider({ config: loaded.config, files, git, logger }),
    logger,
    now: options.now ?? Date.now,
  };
}
