// The `mlops` command's entry (dist/cli.js): loads the CLI bundle beside it (dist/cli-main.js) through V8's code
// cache (codeCache.ts), then runs the command line, or hands `main` to a program that requires this file.
import path from 'node:path';
import { defaultCacheDir } from '../core/listingCache';
import { loadWithCodeCache } from './codeCache';
import type * as CliMain from './main';

/** The CLI bundle, beside this file. */
export const CLI_BUNDLE = 'cli-main.js';

const asCommand = require.main === module;
// A program that requires this file runs its own commands: no code cache is kept for it.
const { exports: cli } = loadWithCodeCache<Pick<typeof CliMain, 'main' | 'runFromCommandLine'>>(
  path.join(__dirname, CLI_BUNDLE),
  process.argv[2],
  asCommand ? defaultCacheDir() : undefined,
);
/** The CLI's `main`, for programs that require this file. */
export const { main } = cli;
if (asCommand) cli.runFromCommandLine();
