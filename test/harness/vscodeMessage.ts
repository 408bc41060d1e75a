// How VS Code 1.100 carries a webview message from the extension host to the page: JSON text in which every
// ArrayBuffer and typed array is replaced by a reference to a binary buffer sent beside it, parsed back in the
// renderer with the buffers restored as the same typed arrays, then posted into the page (structured clone).
// Tests and benchmarks post through this so a message costs and loses what it does in VS Code (NaN and Infinity
// outside typed arrays become null, undefined fields vanish).
import type { Page } from 'playwright-core';

const TYPES = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
] as const;

export interface SerializedMessage {
  message: string;
  buffers: Uint8Array[];
}

/** The extension host's side: the message as JSON with buffer references, and the buffers. */
export function serializeLikeVsCode(message: unknown): SerializedMessage {
  const buffers: ArrayBufferLike[] = [];
  const add = (b: ArrayBufferLike) => {
    let i = buffers.indexOf(b);
    if (i < 0) i = buffers.push(b) - 1;
    return i;
  };
  const text = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) return { $$vscode_array_buffer_reference$$: true, index: add(value) };
    if (ArrayBuffer.isView(value)) {
      const type = TYPES.indexOf(value.constructor.name as (typeof TYPES)[number]) + 1;
      if (type > 0)
        return {
          $$vscode_array_buffer_reference$$: true,
          index: add(value.buffer),
          view: { type, byteLength: value.byteLength, byteOffset: value.byteOffset },
        };
    }
    return value;
  });
  return { message: text, buffers: buffers.map((b) => new Uint8Array(b)) };
}

/**
 * The renderer's side, self-contained so it also runs in a page (`page.evaluate`): copies each buffer, parses the
 * JSON and restores the typed arrays.
 */
export function deserializeLikeVsCode(text: string, buffers: Uint8Array[]): unknown {
  const copies = buffers.map((b) => {
    const copy = new ArrayBuffer(b.byteLength);
    new Uint8Array(copy).set(b);
    return copy;
  });
  const ctors = [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
  ];
  if (copies.length === 0) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as Record<string, unknown>).$$vscode_array_buffer_reference$$) {
      const ref = value as { index: number; view?: { type: number; byteLength: number; byteOffset: number } };
      const buffer = copies[ref.index];
      if (!ref.view) return buffer;
      const Ctor = ctors[ref.view.type - 1] as Float64ArrayConstructor;
      return new Ctor(buffer, ref.view.byteOffset, ref.view.byteLength / Ctor.BYTES_PER_ELEMENT);
    }
    return value;
  });
}

/** Posts a message from the test process to a standalone page as VS Code would carry it from the host. */
export async function postLikeVsCode(page: Page, message: unknown): Promise<void> {
  const { message: text, buffers } = serializeLikeVsCode(message);
  const encoded = buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'));
  const bytes = `${JSON.stringify(encoded)}.map((b) => Uint8Array.from(atob(b), (c) => c.charCodeAt(0)))`;
  await page.evaluate(
    `window.postMessage((${deserializeLikeVsCode.toString()})(${JSON.stringify(text)}, ${bytes}), '*')`,
  );
}
