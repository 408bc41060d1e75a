// The one JSON Lines reader: one JSON object per line (UTF-8, an optional BOM, blank lines skipped). Columns are the
// union of the objects' keys in first-seen order; a line that is not a JSON object is a bad row with its line number.
import { type Cancellation, CancelledError, chunks, type DataSource, type RowSink } from './source';

export function readJsonl(
  source: DataSource,
  sink: RowSink,
  cancel?: Cancellation,
  onChunk?: (bytes: Uint8Array) => void,
): void {
  const names: string[] = [];
  const index = new Map<string, number>();
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let line = 0;
  let announced = 0;
  const onLine = (text: string): void => {
    line++;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      sink.bad(line, 'not valid JSON');
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      sink.bad(line, 'not a JSON object');
      return;
    }
    const record = value as Record<string, unknown>;
    const cells: unknown[] = new Array<unknown>(names.length).fill(null);
    for (const key of Object.keys(record)) {
      let at = index.get(key);
      if (at === undefined) {
        at = names.length;
        names.push(key);
        index.set(key, at);
      }
      cells[at] = record[key] ?? null;
    }
    if (names.length !== announced) {
      announced = names.length;
      sink.columns(names.slice());
    }
    sink.row(cells, line);
  };
  for (const chunk of chunks(source)) {
    if (cancel?.cancelled) throw new CancelledError();
    onChunk?.(chunk);
    let text = carry + decoder.decode(chunk, { stream: true });
    if (line === 0 && carry === '' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      onLine(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.decode();
  if (carry.length > 0) onLine(carry);
  if (announced === 0) sink.columns([]);
}
