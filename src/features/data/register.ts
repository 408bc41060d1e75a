import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/logging';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import type { FeatureContext } from '../../platform/context';
import { DATASET_VIEW_TYPE, type HostToWebview, type WebviewToHost } from '../../protocol/dataset';
import type { ExplorerApi } from '../explorer/register';
import { DatasetPanel, type DatasetData, type DatasetTarget } from './panel';

export const SHOW_DATASET_PROFILE_COMMAND = 'mlops.showDatasetProfile';
export const INFER_DATASET_SCHEMA_COMMAND = 'mlops.inferDatasetSchema';

/** The data files the panel profiles (the explorer menu's `resourceExtname` list in package.json matches it). */
export const DATA_FILE_EXTENSIONS = ['.csv', '.tsv', '.jsonl', '.parquet', '.feather', '.arrow'];

/** Edits of mlops.yaml's text (offsets into the text the function was given), as the core's config edits return. */
export interface TextEdit {
  range: [number, number];
  text: string;
}

export interface DatasetFeatureData extends DatasetData {
  /** The edits that write the schema inferred from the dataset's profile into mlops.yaml's text. */
  inferSchemaEdits(
    target: DatasetTarget,
    configText: string,
    options: { cacheDir: string; signal: AbortSignal },
  ): Promise<TextEdit[]>;
}

/** What the extension API exposes for tests. */
export interface DatasetApi {
  /** The panel showing `target` (opened or revealed) once its first message is posted. */
  show(target: DatasetTarget): DatasetPanel;
  /** The last messages the panel posted, newest last (at most 20). */
  posted(): readonly HostToWebview[];
  received(): readonly WebviewToHost[];
  current(): DatasetPanel | undefined;
}

/**
 * "MLOps: Show Dataset Profile" (palette, Explorer context menu on a data file, Datasets view item menu), the
 * singleton Dataset panel and its serializer, and "MLOps: Infer Dataset Schema".
 */
export function registerDataset(
  feature: FeatureContext,
  data: DatasetFeatureData,
  explorer?: Pick<ExplorerApi, 'trees'>,
): DatasetApi {
  const { extension, logger } = feature;
  const cacheDir = vscode.Uri.joinPath(extension.globalStorageUri, 'data-profiles').fsPath;
  let current: DatasetPanel | undefined;
  const posted: HostToWebview[] = [];
  const received: WebviewToHost[] = [];
  const keep = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > 20) list.shift();
  };

  const inferSchema = (target: DatasetTarget) => runInferSchema(target, data, cacheDir, logger);

  const adopt = (webviewPanel: vscode.WebviewPanel, target: DatasetTarget | undefined): DatasetPanel => {
    webviewPanel.iconPath = vscode.Uri.joinPath(extension.extensionUri, 'media', 'mlops.svg');
    const panel = new DatasetPanel(
      webviewPanel,
      {
        extensionUri: extension.extensionUri,
        cacheDir,
        logger,
        data,
        inferSchema,
        onDidPost: (m) => keep(posted, m),
        onDidReceive: (m) => keep(received, m),
      },
      target,
    );
    current = panel;
    panel.onDidDispose(() => {
      if (current === panel) current = undefined;
    });
    return panel;
  };

  const show = (target: DatasetTarget): DatasetPanel => {
    if (current) {
      current.show(target);
      return current;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      DATASET_VIEW_TYPE,
      'Dataset',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        localResourceRoots: [
          vscode.Uri.joinPath(extension.extensionUri, 'dist', 'webview'),
          vscode.Uri.joinPath(extension.extensionUri, 'media'),
        ],
      },
    );
    return adopt(webviewPanel, target);
  };

  extension.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(DATASET_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel, state: unknown) => {
        if (current) webviewPanel.dispose();
        else adopt(webviewPanel, restoredTarget(state));
        return Promise.resolve();
      },
    }),
    vscode.commands.registerCommand(SHOW_DATASET_PROFILE_COMMAND, async (arg?: unknown) => {
      try {
        const target = await chooseTarget(arg, explorer, 'Show Dataset Profile');
        if (target) show(target);
      } catch (err) {
        logger.error(`showDatasetProfile: ${errorMessage(err)}`);
        void vscode.window.showErrorMessage(`Could not show the dataset profile: ${errorMessage(err)}`);
      }
    }),
    vscode.commands.registerCommand(INFER_DATASET_SCHEMA_COMMAND, async (arg?: unknown) => {
      const target = current && arg === undefined ? current.dataset : undefined;
      const chosen = target ?? (await chooseTarget(arg, explorer, 'Infer Dataset Schema'));
      return chosen ? inferSchema(chosen) : false;
    }),
    { dispose: () => current?.dispose() },
  );

  return { show, posted: () => posted, received: () => received, current: () => current };
}

/** The panel's saved UI state names the dataset it showed (folder-relative): find it again after a reload. */
function restoredTarget(state: unknown): DatasetTarget | undefined {
  const relative =
    state && typeof state === 'object' && typeof (state as { path?: unknown }).path === 'string'
      ? (state as { path: string }).path
      : undefined;
  if (!relative) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? { folder: folder.uri.fsPath, path: relative } : undefined;
}

function targetOfUri(uri: vscode.Uri): DatasetTarget | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return undefined;
  return { folder: folder.uri.fsPath, path: path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/') };
}

function isDataFile(file: string): boolean {
  return DATA_FILE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

/**
 * What to profile: a data file (Explorer menu, a URI), a Datasets view item, or a quick pick of the workspace's
 * data files. Undefined when the user cancels.
 */
async function chooseTarget(
  arg: unknown,
  explorer: Pick<ExplorerApi, 'trees'> | undefined,
  title: string,
): Promise<DatasetTarget | undefined> {
  if (arg instanceof vscode.Uri) return targetOfUri(arg);
  if (arg && typeof arg === 'object' && 'folder' in arg && 'path' in arg) {
    const t = arg as Partial<DatasetTarget>;
    if (typeof t.folder === 'string' && typeof t.path === 'string') return { folder: t.folder, path: t.path };
  }
  if (arg && typeof arg === 'object' && (arg as { type?: unknown }).type === 'item' && explorer) {
    const node = arg as { folderKey: string; itemId: string };
    const item = explorer.trees.datasets.find(node.folderKey, node.itemId);
    if (item && !item.isDirectory) return targetOfUri(vscode.Uri.file(item.absolutePath));
    if (item?.isDirectory) {
      const files = await vscode.workspace.findFiles(
        new vscode.RelativePattern(vscode.Uri.file(item.absolutePath), `**/*{${DATA_FILE_EXTENSIONS.join(',')}}`),
        undefined,
        500,
      );
      return pickFile(files, `${title}: a file of ${item.name}`);
    }
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const files = await vscode.workspace.findFiles(
    `**/*{${DATA_FILE_EXTENSIONS.join(',')}}`,
    '{**/node_modules/**,**/.git/**,**/.dvc/cache/**,**/.venv/**}',
    2000,
  );
  if (active && isDataFile(active.fsPath) && files.length === 0) return targetOfUri(active);
  return pickFile(files, title, active);
}

async function pickFile(files: vscode.Uri[], title: string, active?: vscode.Uri): Promise<DatasetTarget | undefined> {
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      `No data files found (${DATA_FILE_EXTENSIONS.join(', ')}). Add one to the workspace, or pull it with DVC.`,
    );
    return undefined;
  }
  const items = files
    .map((uri) => ({ uri, label: vscode.workspace.asRelativePath(uri, true) }))
    .sort((a, b) =>
      a.uri.toString() === active?.toString()
        ? -1
        : b.uri.toString() === active?.toString()
          ? 1
          : a.label.localeCompare(b.label),
    );
  const chosen = await vscode.window.showQuickPick(items, { title, placeHolder: 'Data file to profile' });
  return chosen ? targetOfUri(chosen.uri) : undefined;
}

/**
 * "Infer Dataset Schema": the core infers a schema from the profile and returns the edits of mlops.yaml's text; they
 * are applied as one WorkspaceEdit (undoable, unsaved changes of an open mlops.yaml kept) and the file is shown.
 */
async function runInferSchema(
  target: DatasetTarget,
  data: DatasetFeatureData,
  cacheDir: string,
  logger: FeatureContext['logger'],
): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Trust the workspace to write a schema into mlops.yaml.');
    return false;
  }
  const uri = vscode.Uri.file(path.join(target.folder, CONFIG_FILE_NAME));
  try {
    const edits = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Inferring the schema of ${target.path}`,
        cancellable: true,
      },
      async (_progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          let document: vscode.TextDocument | undefined;
          try {
            document = await vscode.workspace.openTextDocument(uri);
          } catch {
            document = undefined;
          }
          const text = document?.getText() ?? '';
          const found = await data.inferSchemaEdits(target, text, { cacheDir, signal: controller.signal });
          return controller.signal.aborted ? undefined : { document, found };
        } finally {
          subscription.dispose();
        }
      },
    );
    if (!edits) return false;
    const edit = new vscode.WorkspaceEdit();
    if (!edits.document) {
      edit.createFile(uri, { overwrite: false });
      edit.insert(uri, new vscode.Position(0, 0), edits.found.map((e) => e.text).join(''));
    } else {
      const document = edits.document;
      for (const e of edits.found)
        edit.replace(uri, new vscode.Range(document.positionAt(e.range[0]), document.positionAt(e.range[1])), e.text);
    }
    if (edits.found.length === 0) {
      void vscode.window.showInformationMessage(`mlops.yaml already has this schema for ${target.path}.`);
      return false;
    }
    if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: true }))) {
      void vscode.window.showWarningMessage(`mlops.yaml was not changed: the edit was refused.`);
      return false;
    }
    await vscode.window.showTextDocument(uri, { preview: false });
    void vscode.window.setStatusBarMessage(
      `Wrote the schema of ${target.path} into mlops.yaml (undo restores it)`,
      5000,
    );
    return true;
  } catch (err) {
    logger.error(`inferDatasetSchema: ${errorMessage(err)}`);
    void vscode.window.showErrorMessage(`Could not infer the schema of ${target.path}: ${errorMessage(err)}`);
    return false;
  }
}
