import * as vscode from 'vscode';
import { cliProcess } from '../../platform/cli';
import type { FeatureContext } from '../../platform/context';
import { completeWalkthroughStep } from '../../platform/walkthrough';

export const TASK_TYPE = 'mlops';

/** A task of tasks.json: `{ "type": "mlops", "command": "check", "args": ["--fail-on", "warning"] }`. */
export interface MlopsTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  command: string;
  args?: string[];
}

/**
 * The `mlops` subcommands offered as tasks: what the command line runs and the problem matcher reading its output.
 * Only commands the shipped command line has; one entry per command.
 */
const TASK_COMMANDS: Readonly<
  Record<string, { argv: readonly string[]; matchers: readonly string[]; detail: string; test: boolean }>
> = {
  check: {
    argv: ['check', '--format', 'problems'],
    matchers: ['$mlops'],
    detail: 'mlops check: the pipeline checks of mlops.yaml, findings in Problems',
    test: true,
  },
  'data validate': {
    argv: ['data', 'validate', '--format', 'problems'],
    matchers: ['$mlops'],
    detail: 'mlops data validate: the datasets of mlops.yaml against their schema, violations in Problems',
    test: true,
  },
  'telemetry summary': {
    argv: ['telemetry', 'summary'],
    matchers: [],
    detail: 'mlops telemetry summary: requests, errors, latency and callers per model version, in the terminal',
    test: false,
  },
};

export interface TasksApi {
  provider: vscode.TaskProvider;
}

/**
 * The `mlops` task type: `mlops check`, `mlops data validate` and `mlops telemetry summary` for each workspace folder, run by the shipped command line with this editor's
 * Node, its findings read into Problems by the `$mlops` problem matcher. Nothing is provided or resolved in an
 * untrusted workspace (the task would run the workspace's checks).
 */
export function registerTasks({ extension, logger }: FeatureContext): TasksApi {
  const build = (definition: MlopsTaskDefinition, folder: vscode.WorkspaceFolder): vscode.Task | undefined => {
    const command = TASK_COMMANDS[definition.command];
    if (!command) {
      logger.warn(
        `tasks: unknown mlops task command '${definition.command}' (known: ${Object.keys(TASK_COMMANDS).join(', ')})`,
      );
      return undefined;
    }
    const cli = cliProcess(extension);
    const execution = new vscode.ProcessExecution(
      cli.execPath,
      [cli.script, ...command.argv, ...(definition.args ?? [])],
      {
        cwd: folder.uri.fsPath,
        env: cli.env,
      },
    );
    const task = new vscode.Task(definition, folder, definition.command, TASK_TYPE, execution, [...command.matchers]);
    task.detail = command.detail;
    if (command.test) task.group = vscode.TaskGroup.Test;
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
    return task;
  };

  const provider: vscode.TaskProvider = {
    provideTasks: () => {
      if (!vscode.workspace.isTrusted) return [];
      const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
      return folders.flatMap((folder) =>
        Object.keys(TASK_COMMANDS).flatMap((command) => build({ type: TASK_TYPE, command }, folder) ?? []),
      );
    },
    resolveTask: (task) => {
      if (!vscode.workspace.isTrusted) return undefined;
      const definition = task.definition as MlopsTaskDefinition;
      if (definition.type !== TASK_TYPE || typeof definition.command !== 'string') return undefined;
      const folder =
        typeof task.scope === 'object'
          ? task.scope
          : vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
      return folder ? build(definition, folder) : undefined;
    },
  };
  extension.subscriptions.push(vscode.tasks.registerTaskProvider(TASK_TYPE, provider));
  // "Run the checks" of the walkthrough: the check task counts as much as the command.
  extension.subscriptions.push(
    vscode.tasks.onDidStartTask(({ execution }) => {
      const definition = execution.task.definition as Partial<MlopsTaskDefinition>;
      if (definition.type === TASK_TYPE && definition.command === 'check')
        completeWalkthroughStep(extension, 'runChecks', logger);
    }),
  );
  return { provider };
}
