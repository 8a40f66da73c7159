import assert from "node:assert/strict";
import { test } from "node:test";
import { INITIAL, Status, StatusEvent, reduce, render, withProductPrefix } from "../src/status";

function run(events: StatusEvent[]): Status {
  return events.reduce(reduce, INITIAL);
}

test("the status bar follows the client from starting to ready to busy and back", () => {
  const cases: [StatusEvent[], string, boolean][] = [
    [[], "$(sync~spin) tandem", false],
    [[{ kind: "starting" }, { kind: "ready" }], "$(check) tandem", false],
    [[{ kind: "ready" }, { kind: "requestStarted" }], "$(loading~spin) tandem", false],
    [
      [{ kind: "ready" }, { kind: "requestStarted" }, { kind: "requestFinished", items: 1 }],
      "$(check) tandem",
      false,
    ],
    [
      [{ kind: "ready" }, { kind: "requestStarted" }, { kind: "requestStarted" }, { kind: "requestFinished", items: 0 }],
      "$(loading~spin) tandem",
      false,
    ],
    [[{ kind: "ready" }, { kind: "stopped" }], "$(circle-slash) tandem", false],
    [[{ kind: "stopped", error: "spawn tandem ENOENT" }], "$(circle-slash) tandem", true],
  ];
  for (const [events, text, isError] of cases) {
    const shown = render(run(events));
    assert.equal(shown.text, text, JSON.stringify(events));
    assert.equal(shown.isError, isError, JSON.stringify(events));
  }
});

test("start-up progress shows its title and message until it ends", () => {
  const begun = run([
    { kind: "ready" },
    { kind: "progressBegin", title: "tandem: managed server", message: "loading model" },
  ]);
  assert.equal(render(begun).tooltip, "tandem: managed server: loading model");
  assert.equal(render(begun).text, "$(sync~spin) tandem");
  const reported = reduce(begun, { kind: "progressReport", message: "waiting for /health" });
  assert.equal(render(reported).tooltip, "waiting for /health");
  const unchanged = reduce(reported, { kind: "progressReport" });
  assert.equal(render(unchanged).tooltip, "waiting for /health");
  assert.equal(render(reduce(reported, { kind: "progressEnd" })).text, "$(check) tandem");
});

test("a server error stays visible until a suggestion arrives again", () => {
  const failed = run([
    { kind: "ready" },
    { kind: "serverMessage", type: 1, message: "backend unreachable: connection refused" },
  ]);
  assert.equal(render(failed).text, "$(error) tandem");
  assert.match(render(failed).tooltip, /connection refused/);
  // The server answers empty lists while its backend is down: still an error.
  const stillDown = run([
    { kind: "ready" },
    { kind: "serverMessage", type: 1, message: "down" },
    { kind: "requestStarted" },
    { kind: "requestFinished", items: 0 },
  ]);
  assert.equal(render(stillDown).isError, true);
  const recovered = reduce(reduce(stillDown, { kind: "requestStarted" }), {
    kind: "requestFinished",
    items: 2,
  });
  assert.equal(render(recovered).isError, false);
  assert.equal(render(recovered).text, "$(check) tandem");
});

test("warnings count as errors, information messages do not", () => {
  const warned = run([{ kind: "ready" }, { kind: "serverMessage", type: 2, message: "slow" }]);
  assert.equal(render(warned).isError, true);
  const informed = run([{ kind: "ready" }, { kind: "serverMessage", type: 3, message: "hi" }]);
  assert.equal(render(informed).isError, false);
});

test("a failed request shows its error and never leaves a negative count", () => {
  const failed = run([{ kind: "ready" }, { kind: "requestFailed", error: "internal error" }]);
  assert.equal(failed.inFlight, 0);
  assert.equal(render(failed).tooltip, "tandem: internal error");
  assert.equal(run([{ kind: "requestFinished", items: 0 }]).inFlight, 0);
});

test("restarting clears the previous error and requests", () => {
  const restarted = run([
    { kind: "requestStarted" },
    { kind: "stopped", error: "crashed" },
    { kind: "starting" },
  ]);
  assert.deepEqual(restarted, { phase: "starting", inFlight: 0 });
});

test("messages are prefixed with the product name exactly once", () => {
  const cases: [string, string][] = [
    ["cannot connect to the model server", "tandem: cannot connect to the model server"],
    ["tandem: cannot connect", "tandem: cannot connect"],
    ["tandem.serverPath is wrong", "tandem.serverPath is wrong"],
    ["tandemonium", "tandem: tandemonium"],
  ];
  for (const [message, expected] of cases) {
    assert.equal(withProductPrefix(message), expected, message);
  }
  const failed = run([{ kind: "serverMessage", type: 1, message: "tandem: backend down" }]);
  assert.equal(render(failed).tooltip, "tandem: backend down");
});
