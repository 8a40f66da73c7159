import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import Module from "node:module";
import { resolve } from "node:path";
import { test } from "node:test";

const bundle = resolve(__dirname, "../../dist/extension.js");

/** A stand-in for the `vscode` module: every property is a constructible, callable no-op. */
function fakeVscode(): unknown {
  const handler: ProxyHandler<object> = {
    get: (_target, key) => (key === "__esModule" ? false : anything),
    apply: () => anything,
    construct: () => anything,
  };
  const anything: object = new Proxy(function () {}, handler);
  return anything;
}

test("the packaged bundle carries the language client and needs only vscode from outside", (t) => {
  if (!existsSync(bundle)) {
    t.skip("dist/extension.js is built by `npm run compile`");
    return;
  }
  const loader = Module as unknown as {
    _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  };
  const original = loader._load;
  const asked: string[] = [];
  loader._load = function (request, parent, isMain) {
    asked.push(request);
    if (request === "vscode") {
      return fakeVscode();
    }
    return original.call(this, request, parent, isMain);
  };
  try {
    const extension = require(bundle) as { activate?: unknown; deactivate?: unknown };
    assert.equal(typeof extension.activate, "function");
    assert.equal(typeof extension.deactivate, "function");
  } finally {
    loader._load = original;
  }
  const external = asked.filter(
    (r) => r !== bundle && !r.startsWith("node:") && !Module.builtinModules.includes(r),
  );
  assert.deepEqual([...new Set(external)], ["vscode"]);
});
