import * as vscode from 'vscode';

export type PromptKind = 'info' | 'warning' | 'error';

/** One message a feature's commands showed (or would have shown), with the answer it got. */
export interface PromptRecord {
  kind: PromptKind;
  message: string;
  detail?: string;
  modal: boolean;
  items: string[];
  answer?: string;
}

/**
 * The messages and questions of a feature's commands (notebooks, model release actions) go through here, so tests can answer modal questions
 * (`responder`) and see what was asked (`log`). Without a responder the real notification or dialog is shown.
 */
export class Prompts {
  readonly log: PromptRecord[] = [];
  /** When set, nothing is shown: the responder answers (undefined means the user dismissed the question). */
  responder: ((prompt: PromptRecord) => string | undefined) | undefined;

  async show(
    kind: PromptKind,
    message: string,
    options: { modal?: boolean; detail?: string } = {},
    ...items: string[]
  ): Promise<string | undefined> {
    const record: PromptRecord = {
      kind,
      message,
      modal: options.modal ?? false,
      items,
      ...(options.detail ? { detail: options.detail } : {}),
    };
    this.log.push(record);
    if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
    if (this.responder) {
      record.answer = this.responder(record);
      return record.answer;
    }
    const show =
      kind === 'error'
        ? vscode.window.showErrorMessage
        : kind === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    const answer = await show(
      message,
      { modal: record.modal, ...(options.detail ? { detail: options.detail } : {}) },
      ...items,
    );
    record.answer = answer;
    return answer;
  }

  info(message: string, ...items: string[]): Promise<string | undefined> {
    return this.show('info', message, {}, ...items);
  }

  warn(message: string, ...items: string[]): Promise<string | undefined> {
    return this.show('warning', message, {}, ...items);
  }

  error(message: string, ...items: string[]): Promise<string | undefined> {
    return this.show('error', message, {}, ...items);
  }

  /** A modal question; resolves to the chosen item, or undefined when the user cancels. */
  ask(message: string, detail: string | undefined, ...items: string[]): Promise<string | undefined> {
    return this.show('warning', message, { modal: true, ...(detail ? { detail } : {}) }, ...items);
  }
}
