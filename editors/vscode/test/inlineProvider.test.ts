import assert from "node:assert/strict";
import { test } from "node:test";
import { ItemFactory, LspRange } from "../src/convert";
import {
  DID_PARTIALLY_ACCEPT_METHOD,
  DID_SHOW_METHOD,
  INLINE_COMPLETION_METHOD,
  ProviderDeps,
  createInlineProvider,
} from "../src/inlineProvider";
import { StatusEvent } from "../src/status";

const VSCODE_INVOKE = 0;
const VSCODE_AUTOMATIC = 1;

type Item = { insertText: unknown; range: unknown; command: unknown };

/** A fake client and VS Code surface that records every call. */
function harness(
  respond: (params: unknown) => unknown,
  notify: () => Promise<void> | void = () => undefined,
) {
  const requests: { method: string; params: unknown }[] = [];
  const notifications: { method: string; params: unknown }[] = [];
  const events: StatusEvent[] = [];
  const logs: string[] = [];
  const factory: ItemFactory<{ range: LspRange }, Item> = {
    range: (range) => ({ range }),
    snippet: (value) => ({ snippet: value }),
    item: (insertText, range, command) => ({ insertText, range, command }),
  };
  const deps: ProviderDeps<{ range: LspRange }, Item> = {
    sendRequest: async (method, params) => {
      requests.push({ method, params });
      return respond(params);
    },
    sendNotification: (method, params) => {
      notifications.push({ method, params });
      return notify();
    },
    uriOf: (document) => (document as { uri: string }).uri,
    factory,
    invokeKind: VSCODE_INVOKE,
    report: (event) => events.push(event),
    log: (message) => logs.push(message),
  };
  return { provider: createInlineProvider(deps), requests, notifications, events, logs };
}

const doc = { uri: "file:///w/main.py" };
const pos = { line: 4, character: 8 };
const notCancelled = { isCancellationRequested: false };
const accept = (id: string) => ({
  title: "Accept",
  command: "tandem.accept",
  arguments: [{ id }],
});
const twoItems = {
  items: [
    { insertText: "return a + b", command: accept("s1") },
    { insertText: "return sum([a, b])", command: accept("s2") },
  ],
};

test("an invoked request asks with triggerKind 1 and returns every alternative", async () => {
  const h = harness(() => twoItems);
  const items = await h.provider.provideInlineCompletionItems(
    doc,
    pos,
    { triggerKind: VSCODE_INVOKE },
    notCancelled,
  );
  assert.deepEqual(h.requests, [
    {
      method: INLINE_COMPLETION_METHOD,
      params: {
        textDocument: { uri: "file:///w/main.py" },
        position: { line: 4, character: 8 },
        context: { triggerKind: 1 },
      },
    },
  ]);
  assert.deepEqual(
    items.map((i) => i.insertText),
    ["return a + b", "return sum([a, b])"],
  );
  assert.deepEqual((items[1].command as { arguments: unknown[] }).arguments, [
    "tandem.accept",
    [{ id: "s2" }],
  ]);
  assert.deepEqual(h.events, [{ kind: "requestStarted" }, { kind: "requestFinished", items: 2 }]);
});

test("typing sends an automatic trigger", async () => {
  const h = harness(() => ({ items: [] }));
  const items = await h.provider.provideInlineCompletionItems(
    doc,
    pos,
    { triggerKind: VSCODE_AUTOMATIC },
    notCancelled,
  );
  assert.deepEqual(items, []);
  assert.equal((h.requests[0].params as { context: { triggerKind: number } }).context.triggerKind, 2);
});

test("showing and partly accepting an item report the server's original item", async () => {
  const h = harness(() => twoItems);
  const items = await h.provider.provideInlineCompletionItems(
    doc,
    pos,
    { triggerKind: VSCODE_INVOKE },
    notCancelled,
  );
  h.provider.handleDidShowCompletionItem(items[1], "return sum([a, b])");
  h.provider.handleDidPartiallyAcceptCompletionItem(items[0], 7);
  h.provider.handleDidPartiallyAcceptCompletionItem(items[0], { kind: 1, acceptedLength: 12 });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(h.notifications, [
    { method: DID_SHOW_METHOD, params: { item: twoItems.items[1] } },
    { method: DID_PARTIALLY_ACCEPT_METHOD, params: { item: twoItems.items[0], acceptedLength: 7 } },
    { method: DID_PARTIALLY_ACCEPT_METHOD, params: { item: twoItems.items[0], acceptedLength: 12 } },
  ]);
});

test("items the provider did not make are not reported", async () => {
  const h = harness(() => twoItems);
  const foreign = { insertText: "x", range: undefined, command: undefined };
  h.provider.handleDidShowCompletionItem(foreign);
  h.provider.handleDidPartiallyAcceptCompletionItem(foreign, 3);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(h.notifications, []);
});

test("a cancelled request returns nothing and is not an error", async () => {
  const token = { isCancellationRequested: false };
  const h = harness(() => {
    token.isCancellationRequested = true;
    throw new Error("Request cancelled");
  });
  const items = await h.provider.provideInlineCompletionItems(doc, pos, { triggerKind: 1 }, token);
  assert.deepEqual(items, []);
  assert.deepEqual(h.events, [{ kind: "requestStarted" }, { kind: "requestFinished", items: 0 }]);
  assert.deepEqual(h.logs, []);
});

test("an answer that arrives after cancellation is dropped", async () => {
  const token = { isCancellationRequested: false };
  const h = harness(() => {
    token.isCancellationRequested = true;
    return twoItems;
  });
  const items = await h.provider.provideInlineCompletionItems(doc, pos, { triggerKind: 1 }, token);
  assert.deepEqual(items, []);
});

test("a failing request is logged, shown in the status and yields no items", async () => {
  const h = harness(() => {
    throw new Error("Internal error");
  });
  const items = await h.provider.provideInlineCompletionItems(doc, pos, { triggerKind: 1 }, notCancelled);
  assert.deepEqual(items, []);
  assert.deepEqual(h.events, [
    { kind: "requestStarted" },
    { kind: "requestFailed", error: "Internal error" },
  ]);
  assert.match(h.logs[0], /Internal error/);
});

test("a failing notification is logged, never thrown", async () => {
  const h = harness(() => twoItems, () => Promise.reject(new Error("connection closed")));
  const items = await h.provider.provideInlineCompletionItems(doc, pos, { triggerKind: 1 }, notCancelled);
  assert.doesNotThrow(() => h.provider.handleDidShowCompletionItem(items[0]));
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(h.logs.join("\n"), /didShowCompletion failed: connection closed/);
});
