import * as vscode from 'vscode';
// The `mlops metrics diff` report, the same one the command line prints: importing the module registers it.
import '../../cli/commands/metrics';
import { commands } from '../../cli/registry';
import { errorMessage } from '../../core/logging';
import type { FeatureContext } from '../../platform/context';
import { UNTRUSTED_REASON } from '../../platform/trust';

export const METRICS_DIFF_SCHEME = 'mlops-metrics-diff';

/** What "Compare Metrics with HEAD" showed (returned for tests). */
export interface MetricsDiffReport {
  folder: string;
  code: number;
  markdown: string;
  errors: string;
  document: vscode.Uri;
}

/**
 * "Compare Metrics with HEAD" in the Source Control view's title (git repositories): the metrics of the working tree
 * against HEAD, as `mlops metrics diff --md` reports them, in the Markdown preview of a read-only document.
 */
export function registerScm({ extension, logger }: FeatureContext): void {
  const documents = new Map<string, string>();
  let count = 0;
  const onDidChange = new vscode.EventEmitter<vscode.Uri>();
  extension.subscriptions.push(
    onDidChange,
    vscode.workspace.registerTextDocumentContentProvider(METRICS_DIFF_SCHEME, {
      onDidChange: onDidChange.event,
      provideTextDocumentContent: (uri) => documents.get(uri.toString()) ?? '# Report no longer available\n',
    }),
    vscode.commands.registerCommand(
      'mlops.compareMetricsWithHead',
      async (sourceControl?: { rootUri?: vscode.Uri }): Promise<MetricsDiffReport | undefined> => {
        if (!vscode.workspace.isTrusted) {
          void vscode.window.showWarningMessage(`Compare Metrics with HEAD: ${UNTRUSTED_REASON}`);
          return undefined;
        }
        const folder = await folderOf(sourceControl?.rootUri);
        if (!folder) return undefined;
        const diff = commands.get('metrics');
        if (!diff) throw new Error('the metrics report is missing from this build');
        let markdown = '';
        let errors = '';
        try {
          const code = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.SourceControl, title: 'Comparing metrics with HEAD' },
            () =>
              Promise.resolve(
                diff.run(['diff', '--md'], {
                  stdout: (t) => (markdown += t),
                  stderr: (t) => (errors += t),
                  cwd: folder,
                  isTty: false,
                }),
              ),
          );
          const name = vscode.workspace.asRelativePath(folder, true) || folder;
          const body =
            `# Metrics: HEAD → working tree\n\n${name}\n\n${markdown}` +
            (errors ? `\n\n## Problems\n\n\`\`\`text\n${errors.trimEnd()}\n\`\`\`\n` : '');
          const document = vscode.Uri.from({ scheme: METRICS_DIFF_SCHEME, path: `/${++count}/metrics-diff.md` });
          documents.set(document.toString(), body);
          await vscode.workspace.openTextDocument(document);
          await vscode.commands.executeCommand('markdown.showPreview', document);
          logger.info(`scm: compared the metrics of ${folder} with HEAD (exit ${code})`);
          return { folder, code, markdown, errors, document };
        } catch (err) {
          logger.error(`Compare Metrics with HEAD failed: ${errorMessage(err)}`);
          void vscode.window.showErrorMessage(`Compare Metrics with HEAD: ${errorMessage(err)}`);
          return undefined;
        }
      },
    ),
  );
}

/** The folder to compare: the repository's workspace folder (or the repository), the only folder, or a pick. */
async function folderOf(root: vscode.Uri | undefined): Promise<string | undefined> {
  if (root?.scheme === 'file') return (vscode.workspace.getWorkspaceFolder(root)?.uri ?? root).fsPath;
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length <= 1) return folders[0]?.uri.fsPath;
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder whose metrics to compare with HEAD' }))
    ?.uri.fsPath;
}
