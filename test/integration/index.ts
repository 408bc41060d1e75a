import { runFolder } from '../harness/mochaIndex';

/** Called by the extension host (code-server or @vscode/test-electron). */
export function run(): Promise<void> {
  return runFolder(__dirname);
}
