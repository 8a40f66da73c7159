//! The inline completion provider: asks the server with `textDocument/inlineCompletion` and
//! reports what VS Code showed or partly accepted.
// Everything VS Code- or client-specific is injected, so tests drive it under plain Node.

import {
  ItemFactory,
  LspInlineItem,
  acceptedLength,
  inlineCompletionParams,
  lspTriggerKind,
  responseItems,
  toVscodeItem,
} from "./convert";
import { StatusEvent } from "./status";

/** The LSP 3.18 request. */
export const INLINE_COMPLETION_METHOD = "textDocument/inlineCompletion";
/** Sent when VS Code shows an item as ghost text. */
export const DID_SHOW_METHOD = "textDocument/didShowCompletion";
/** Sent when the user accepts part of an item (a word or a line). */
export const DID_PARTIALLY_ACCEPT_METHOD = "textDocument/didPartiallyAcceptCompletion";

/** The cancellation token shape VS Code passes. */
export interface TokenLike {
  isCancellationRequested: boolean;
}

/** What the provider needs from VS Code and the language client. */
export interface ProviderDeps<R, I extends object> {
  sendRequest(method: string, params: unknown, token: TokenLike): Promise<unknown>;
  sendNotification(method: string, params: unknown): Promise<void> | void;
  /** The document's URI as the server knows it. */
  uriOf(document: unknown): string;
  factory: ItemFactory<R, I>;
  /** `vscode.InlineCompletionTriggerKind.Invoke`. */
  invokeKind: number;
  report(event: StatusEvent): void;
  log(message: string): void;
}

/** The parts of `vscode.InlineCompletionContext` used here. */
export interface ContextLike {
  triggerKind: number;
  selectedCompletionInfo?: { range: { start: Pos; end: Pos }; text: string };
}

interface Pos {
  line: number;
  character: number;
}

/** A VS Code `InlineCompletionItemProvider`, including the newer, feature-detected hooks. */
export interface TandemInlineProvider<I> {
  provideInlineCompletionItems(
    document: unknown,
    position: Pos,
    context: ContextLike,
    token: TokenLike,
  ): Promise<I[]>;
  handleDidShowCompletionItem(item: I, updatedInsertText?: string): void;
  handleDidPartiallyAcceptCompletionItem(item: I, info: unknown): void;
}

/** Builds the provider; it remembers which LSP item each VS Code item came from. */
export function createInlineProvider<R, I extends object>(
  deps: ProviderDeps<R, I>,
): TandemInlineProvider<I> {
  const origins = new WeakMap<I, LspInlineItem>();

  const notify = (method: string, params: unknown): void => {
    // A lost signal only costs the server a log line; it must never surface as an editor error.
    Promise.resolve()
      .then(() => deps.sendNotification(method, params))
      .catch((error) => deps.log(`${method} failed: ${describe(error)}`));
  };

  return {
    async provideInlineCompletionItems(document, position, context, token) {
      const params = inlineCompletionParams({
        uri: deps.uriOf(document),
        position,
        triggerKind: lspTriggerKind(context.triggerKind, deps.invokeKind),
        selected: context.selectedCompletionInfo,
      });
      deps.report({ kind: "requestStarted" });
      let response: unknown;
      try {
        response = await deps.sendRequest(INLINE_COMPLETION_METHOD, params, token);
      } catch (error) {
        if (token.isCancellationRequested) {
          deps.report({ kind: "requestFinished", items: 0 });
        } else {
          deps.log(`inline completion failed: ${describe(error)}`);
          deps.report({ kind: "requestFailed", error: describe(error) });
        }
        return [];
      }
      const items = token.isCancellationRequested ? [] : responseItems(response);
      deps.report({ kind: "requestFinished", items: items.length });
      return items.map((lsp) => {
        const item = toVscodeItem(lsp, deps.factory);
        origins.set(item, lsp);
        return item;
      });
    },

    handleDidShowCompletionItem(item) {
      const lsp = origins.get(item);
      if (lsp) {
        notify(DID_SHOW_METHOD, { item: lsp });
      }
    },

    handleDidPartiallyAcceptCompletionItem(item, info) {
      const lsp = origins.get(item);
      const length = acceptedLength(info);
      if (lsp && length !== undefined) {
        notify(DID_PARTIALLY_ACCEPT_METHOD, { item: lsp, acceptedLength: length });
      }
    },
  };
}

/** A one-line description of anything thrown. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
