// What the CLI writes besides its reports (warnings, errors, notices, "Wrote ..." lines) goes through `line`: those
// messages carry names from the repository (file and notebook names, keys of mlops.yaml), and a name with a line break
// in it must not start a line of its own. In a CI log a line starting `::warning` or `::add-mask` is a workflow
// command; an escape sequence can repaint a terminal. The reports escape their names the same way.
import { escapeControlCharacters } from '../core/security/controlCharacters';

/** One line of output: `text` with every control character written as a visible escape, then a line break. */
export function line(text: string): string {
  return `${escapeControlCharacters(text)}\n`;
}

/** Lines of output, each escaped as by `line`. */
export function lines(texts: Iterable<string>): string {
  let out = '';
  for (const text of texts) out += line(text);
  return out;
}
