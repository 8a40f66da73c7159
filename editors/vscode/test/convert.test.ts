import assert from "node:assert/strict";
import { test } from "node:test";
import {
  EXECUTE_SERVER_COMMAND,
  ItemFactory,
  LspRange,
  acceptedLength,
  inlineCompletionParams,
  lspTriggerKind,
  responseItems,
  toVscodeItem,
} from "../src/convert";

// VS Code's InlineCompletionTriggerKind: Invoke = 0, Automatic = 1.
const VSCODE_INVOKE = 0;
const VSCODE_AUTOMATIC = 1;

/** Records what the conversion builds instead of constructing VS Code objects. */
const factory: ItemFactory<{ range: LspRange }, Record<string, unknown>> = {
  range: (range) => ({ range }),
  snippet: (value) => ({ snippet: value }),
  item: (insertText, range, command) => ({ insertText, range, command }),
};

const range: LspRange = { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } };

test("an explicit invoke asks for alternatives, anything else is automatic", () => {
  assert.equal(lspTriggerKind(VSCODE_INVOKE, VSCODE_INVOKE), 1);
  assert.equal(lspTriggerKind(VSCODE_AUTOMATIC, VSCODE_INVOKE), 2);
  assert.equal(lspTriggerKind(7, VSCODE_INVOKE), 2);
});

test("request parameters carry the document, position and trigger", () => {
  assert.deepEqual(
    inlineCompletionParams({
      uri: "file:///a.py",
      position: { line: 3, character: 7 },
      triggerKind: 2,
    }),
    {
      textDocument: { uri: "file:///a.py" },
      position: { line: 3, character: 7 },
      context: { triggerKind: 2 },
    },
  );
});

test("the suggest widget's selected item is passed as selectedCompletionInfo", () => {
  // VS Code ranges carry extra getters; only the LSP fields may be sent.
  const vscodeRange = { ...range, isEmpty: false, start: { ...range.start, extra: 1 } };
  const params = inlineCompletionParams({
    uri: "file:///a.ts",
    position: { line: 2, character: 9 },
    triggerKind: 2,
    selected: { range: vscodeRange, text: "console" },
  }) as { context: { selectedCompletionInfo: unknown } };
  assert.deepEqual(params.context.selectedCompletionInfo, { range, text: "console" });
});

test("responses as a list, an array or null all yield their valid items", () => {
  const good = { insertText: "x = 1" };
  const snippet = { insertText: { kind: "snippet", value: "f($1)" } };
  const cases: [unknown, unknown[]][] = [
    [null, []],
    [undefined, []],
    [{ items: [] }, []],
    [{ items: [good, snippet] }, [good, snippet]],
    [[good], [good]],
    [{ items: [good, { insertText: 3 }, null, { range }, { insertText: "y", range: {} }] }, [good]],
    [{ items: "not a list" }, []],
  ];
  for (const [response, expected] of cases) {
    assert.deepEqual(responseItems(response), expected, JSON.stringify(response));
  }
});

test("an item keeps its text and range, and accepting it runs the server's command", () => {
  const item = toVscodeItem(
    {
      insertText: "return a + b",
      range,
      command: { title: "accept", command: "tandem.accept", arguments: [{ id: "s-42" }] },
    },
    factory,
  );
  assert.deepEqual(item, {
    insertText: "return a + b",
    range: { range },
    command: {
      title: "accept",
      command: EXECUTE_SERVER_COMMAND,
      arguments: ["tandem.accept", [{ id: "s-42" }]],
    },
  });
});

test("an item without range or command converts to a bare item; snippets stay snippets", () => {
  assert.deepEqual(toVscodeItem({ insertText: "pass" }, factory), {
    insertText: "pass",
    range: undefined,
    command: undefined,
  });
  assert.deepEqual(toVscodeItem({ insertText: { kind: "snippet", value: "f($1)" } }, factory), {
    insertText: { snippet: "f($1)" },
    range: undefined,
    command: undefined,
  });
});

test("a command without arguments is sent with an empty argument list", () => {
  const item = toVscodeItem(
    { insertText: "a", command: { title: "t", command: "tandem.accept" } },
    factory,
  ) as { command: { arguments: unknown[] } };
  assert.deepEqual(item.command.arguments, ["tandem.accept", []]);
});

test("the accepted length is read from old and new partial-accept signatures", () => {
  const cases: [unknown, number | undefined][] = [
    [5, 5],
    [0, 0],
    [{ kind: 0, acceptedLength: 12 }, 12],
    [{ kind: 1 }, undefined],
    [NaN, undefined],
    [null, undefined],
    ["5", undefined],
  ];
  for (const [info, expected] of cases) {
    assert.equal(acceptedLength(info), expected, JSON.stringify(info));
  }
});
