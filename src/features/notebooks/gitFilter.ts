// "MLOps: Set Up Notebook Git Filter": the shared .gitattributes line plus this clone's git config, pointing git at
// the copy of the bundled `mlops` CLI in the extension's global storage (src/platform/cli.ts), so the command written
// into .git/config stays valid across versions.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeFileAtomic } from '../../core/atomicWrite';
import { getConfig, setLocalConfig } from '../../core/git/commands';
import { findGitDirectory } from '../../core/git/tags';
import { openRepository, type GitRepository } from '../../core/git/state';
import { type Logger } from '../../core/logging';
import {
  hasNotebookFilter,
  NOTEBOOK_FILTER_NAME,
  notebookFilterSettings,
  withNotebookAttributes,
} from '../../core/notebooks/gitFilter';
import { cliCommand, parseCliCommand } from '../../core/notebooks/versioning';
import { currentRuntime, ensureCli } from '../../platform/cli';
import { type Prompts } from '../../platform/prompts';
import { openDocumentsOf } from './targets';

const OFFER_KEY = 'mlops.notebooks.gitFilterOffered';

export interface FilterSetupResult {
  repo: string;
  command: string;
  attributesFile: string;
  attributesChanged: boolean;
  config: [string, string][];
}

/** Whether this clone's config runs a filter command that still works (its runtime and script exist). */
async function configuredCommandWorks(value: string | undefined): Promise<boolean> {
  if (!value) return false;
  const parsed = parseCliCommand(value);
  if (!parsed) return true; // someone else's command (e.g. `mlops` on PATH): not ours to judge
  const exists = (file: string) =>
    fs.stat(file).then(
      () => true,
      () => false,
    );
  return (await exists(parsed.execPath)) && (await exists(parsed.cliPath));
}

export class NotebookGitFilter {
  private readonly checked = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly prompts: Prompts,
    private readonly logger: Logger,
  ) {}

  /** Writes the .gitattributes line (once) and this clone's git config for the repository containing `folder`. */
  async setUp(folder: string): Promise<FilterSetupResult | undefined> {
    const repo = await openRepository(folder);
    const cli = await ensureCli(this.context);
    const command = cliCommand(currentRuntime(), cli);
    const settings = notebookFilterSettings(command);
    const attributesFile = path.join(repo.root, '.gitattributes');
    const attributesUri = vscode.Uri.file(attributesFile);
    if (openDocumentsOf(attributesUri).text?.isDirty) {
      const answer = await this.prompts.ask(
        '.gitattributes has unsaved changes.',
        'Save it first, so the notebook line is added to what you see in the editor.',
        'Save and Continue',
      );
      if (answer !== 'Save and Continue') return undefined;
      await openDocumentsOf(attributesUri).text?.save();
    }
    const before = await fs.readFile(attributesFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const after = withNotebookAttributes(before, settings);
    if (after !== before) await writeFileAtomic(attributesFile, after);
    for (const [key, value] of settings.config) await setLocalConfig(repo, key, value);
    this.logger.info(
      `Notebook git filter set up in ${repo.root}: ${settings.config.map(([k, v]) => `${k}=${v}`).join('; ')}${after !== before ? '; .gitattributes updated' : ''}`,
    );
    return { repo: repo.root, command, attributesFile, attributesChanged: after !== before, config: settings.config };
  }

  /**
   * Whether notebooks of the repository containing `folder` are committed without outputs: `stripped` when
   * .gitattributes routes *.ipynb through a filter and this clone runs it, `needsSetUp` when .gitattributes asks for
   * ours but this clone lacks a working command, `off` without a filter line, `noGit` outside a repository.
   */
  async state(folder: string): Promise<'stripped' | 'needsSetUp' | 'off' | 'noGit'> {
    const found = await findGitDirectory(folder);
    if (!found) return 'noGit';
    const attributes = await fs.readFile(path.join(found.root, '.gitattributes'), 'utf8').catch(() => '');
    const named = hasNotebookFilter(attributes).filter;
    if (named === undefined) return 'off';
    const repo = await openRepository(found.root);
    const clean = await getConfig(repo, `filter.${named}.clean`);
    if (named !== NOTEBOOK_FILTER_NAME) return clean ? 'stripped' : 'needsSetUp';
    return (await configuredCommandWorks(clean)) ? 'stripped' : 'needsSetUp';
  }

  /** The repository's .gitattributes names our filter, but this clone has no working filter command. */
  async needsSetUp(folder: string): Promise<GitRepository | undefined> {
    const found = await findGitDirectory(folder);
    if (!found) return undefined;
    const attributes = await fs.readFile(path.join(found.root, '.gitattributes'), 'utf8').catch(() => '');
    if (hasNotebookFilter(attributes).filter !== NOTEBOOK_FILTER_NAME) return undefined;
    const repo = await openRepository(found.root);
    const clean = await getConfig(repo, `filter.${NOTEBOOK_FILTER_NAME}.clean`);
    return (await configuredCommandWorks(clean)) ? undefined : repo;
  }

  /**
   * Offers the setup once per workspace (remembered in workspaceState) when a repository asks for the filter in
   * .gitattributes and this clone lacks it. Resolves with whether the offer was shown.
   */
  async offerIfNeeded(
    folder: vscode.WorkspaceFolder,
    runSetUp: (folder: string) => Thenable<unknown>,
  ): Promise<boolean> {
    if (!vscode.workspace.isTrusted || folder.uri.scheme !== 'file') return false;
    const key = folder.uri.toString();
    if (this.checked.has(key)) return false;
    this.checked.add(key);
    const offered = this.context.workspaceState.get<string[]>(OFFER_KEY, []);
    if (offered.includes(key)) return false;
    const repo = await this.needsSetUp(folder.uri.fsPath).catch((err: unknown) => {
      this.logger.debug(`Notebook git filter check skipped for ${folder.name}: ${String(err)}`);
      return undefined;
    });
    if (!repo) return false;
    await this.context.workspaceState.update(OFFER_KEY, [...offered, key]);
    void this.prompts
      .info(
        `${path.basename(repo.root)} strips notebook outputs on commit with the "${NOTEBOOK_FILTER_NAME}" git filter (see .gitattributes), but this clone is not set up for it, so notebooks would be committed with their outputs. Set it up now?`,
        'Set Up',
        'Not Now',
      )
      .then((answer) => (answer === 'Set Up' ? runSetUp(repo.root) : undefined));
    return true;
  }

  /** Forgets that the offer was made (tests); `sessionOnly` keeps what workspaceState remembers. */
  async resetOffer(sessionOnly = false): Promise<void> {
    this.checked.clear();
    if (!sessionOnly) await this.context.workspaceState.update(OFFER_KEY, undefined);
  }
}
