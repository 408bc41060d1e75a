import { runFolder } from '../harness/mochaIndex';

/** The harness self-test: a suite with one deliberate failure, run inside the real extension host. */
export function run(): Promise<void> {
  return runFolder(__dirname);
}
