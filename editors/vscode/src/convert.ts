//! Conversions between LSP 3.18 inline completion data and VS Code's inline completion items.
// Pure: VS Code constructors are injected, so tests run without the `vscode` module.

/** An LSP position (UTF-16 code units, as VS Code counts). */
export interface LspPosition {
  line: number;
  character: number;
}

/** An LSP range. */
export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** An LSP command as the server sends it. */
export interface LspCommand {
  title: string;
  command: string;
  arguments?: unknown[];
}

/** An LSP 3.18 `InlineCompletionItem`. */
export interface LspInlineItem {
  insertText: string | { kind: "snippet"; value: string };
  filterText?: string;
  range?: LspRange;
  command?: LspCommand;
}

/** The VS Code command (registered by the extension) that runs a server command. */
export const EXECUTE_SERVER_COMMAND = "tandem.executeServerCommand";

/** LSP `InlineCompletionTriggerKind`. */
export const LSP_TRIGGER_INVOKED = 1;
/** LSP `InlineCompletionTriggerKind`. */
export const LSP_TRIGGER_AUTOMATIC = 2;

/** VS Code's trigger kind → LSP's: only an explicit Invoke asks for alternatives. */
export function lspTriggerKind(vscodeKind: number, vscodeInvoke: number): number {
  return vscodeKind === vscodeInvoke ? LSP_TRIGGER_INVOKED : LSP_TRIGGER_AUTOMATIC;
}

/** A range with `start`/`end` positions, VS Code's or LSP's. */
interface RangeLike {
  start: LspPosition;
  end: LspPosition;
}

/** Copies only the LSP fields, dropping VS Code's extra properties. */
export function toLspRange(range: RangeLike): LspRange {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

/** Parameters of `textDocument/inlineCompletion`. */
export function inlineCompletionParams(args: {
  uri: string;
  position: LspPosition;
  triggerKind: number;
  selected?: { range: RangeLike; text: string };
}): object {
  const context: Record<string, unknown> = { triggerKind: args.triggerKind };
  if (args.selected) {
    context.selectedCompletionInfo = {
      range: toLspRange(args.selected.range),
      text: args.selected.text,
    };
  }
  return {
    textDocument: { uri: args.uri },
    position: { line: args.position.line, character: args.position.character },
    context,
  };
}

function isPosition(value: unknown): value is LspPosition {
  const p = value as LspPosition;
  return !!p && Number.isInteger(p.line) && Number.isInteger(p.character);
}

function isRange(value: unknown): value is LspRange {
  const r = value as LspRange;
  return !!r && isPosition(r.start) && isPosition(r.end);
}

function isItem(value: unknown): value is LspInlineItem {
  const item = value as LspInlineItem;
  if (!item || typeof item !== "object") {
    return false;
  }
  const text = item.insertText as unknown;
  const textOk =
    typeof text === "string" ||
    (!!text &&
      (text as { kind?: unknown }).kind === "snippet" &&
      typeof (text as { value?: unknown }).value === "string");
  return textOk && (item.range === undefined || isRange(item.range));
}

/**
 * The items of an `InlineCompletionList | InlineCompletionItem[] | null` response; malformed
 * items are dropped rather than failing the whole response.
 */
export function responseItems(response: unknown): LspInlineItem[] {
  const list = Array.isArray(response)
    ? response
    : (response as { items?: unknown } | null)?.items;
  return Array.isArray(list) ? list.filter(isItem) : [];
}

/** The VS Code constructors the conversion needs. */
export interface ItemFactory<R, I> {
  range(range: LspRange): R;
  snippet(value: string): unknown;
  item(insertText: unknown, range: R | undefined, command: VscodeCommand | undefined): I;
}

/** A VS Code `Command`. */
export interface VscodeCommand {
  title: string;
  command: string;
  arguments?: unknown[];
}

/** Wraps a server command so accepting the item sends `workspace/executeCommand`. */
export function toVscodeCommand(command: LspCommand): VscodeCommand {
  return {
    title: command.title,
    command: EXECUTE_SERVER_COMMAND,
    arguments: [command.command, command.arguments ?? []],
  };
}

/** One LSP item → one VS Code item. */
export function toVscodeItem<R, I>(item: LspInlineItem, factory: ItemFactory<R, I>): I {
  const text =
    typeof item.insertText === "string"
      ? item.insertText
      : factory.snippet(item.insertText.value);
  const range = item.range ? factory.range(item.range) : undefined;
  const command =
    item.command && typeof item.command.command === "string"
      ? toVscodeCommand(item.command)
      : undefined;
  return factory.item(text, range, command);
}

/**
 * The accepted length from `handleDidPartiallyAcceptCompletionItem`'s second argument, which is a
 * number in older VS Code and `{ kind, acceptedLength }` in newer.
 */
export function acceptedLength(info: unknown): number | undefined {
  if (typeof info === "number" && Number.isFinite(info)) {
    return info;
  }
  const length = (info as { acceptedLength?: unknown } | null)?.acceptedLength;
  return typeof length === "number" && Number.isFinite(length) ? length : undefined;
}
