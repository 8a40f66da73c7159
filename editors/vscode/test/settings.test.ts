import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import {
  CLIENT_ONLY_KEYS,
  camelToSnake,
  declaredKeys,
  explicitValues,
  toServerSettings,
} from "../src/settings";

// Compiled to out/test/, so the extension folder is two levels up and the repository four.
const extensionDir = resolve(__dirname, "../..");
const packageJson = JSON.parse(readFileSync(resolve(extensionDir, "package.json"), "utf8"));

test("camelCase setting names become the server's snake_case keys", () => {
  const cases: [string, string][] = [
    ["kind", "kind"],
    ["apiKeyEnv", "api_key_env"],
    ["debounceMs", "debounce_ms"],
    ["idleTimeoutSecs", "idle_timeout_secs"],
    ["llamaServer", "llama_server"],
  ];
  for (const [input, expected] of cases) {
    assert.equal(camelToSnake(input), expected, input);
  }
});

test("flat dotted settings become the server's nested structure", () => {
  const settings = toServerSettings({
    "backend.kind": "openai",
    "backend.apiKeyEnv": "TEAM_KEY",
    "completion.debounceMs": 100,
    "completion.ignore": ["**/*.pem"],
    "prompt.custom": { prefix: "<p>", suffix_first: true },
  });
  assert.deepEqual(settings, {
    backend: { kind: "openai", api_key_env: "TEAM_KEY" },
    completion: { debounce_ms: 100, ignore: ["**/*.pem"] },
    prompt: { custom: { prefix: "<p>", suffix_first: true } },
  });
});

test("client-only settings are never sent to the server", () => {
  const flat: Record<string, unknown> = { "backend.url": "http://x" };
  for (const key of CLIENT_ONLY_KEYS) {
    flat[key] = "anything";
  }
  assert.deepEqual(toServerSettings(flat), { backend: { url: "http://x" } });
});

test("only explicitly set values are sent, the most specific scope winning", () => {
  const inspected: Record<string, object> = {
    "backend.kind": { defaultValue: "managed" },
    "backend.url": { defaultValue: "", globalValue: "http://global" },
    "completion.maxTokens": { globalValue: 64, workspaceValue: 32 },
    "completion.enabled": { globalValue: true, workspaceValue: true, workspaceFolderValue: false },
  };
  const values = explicitValues(
    [...Object.keys(inspected), "missing.key"],
    (key) => inspected[key],
  );
  assert.deepEqual(values, {
    "backend.url": "http://global",
    "completion.maxTokens": 32,
    "completion.enabled": false,
  });
});

test("declared keys are read from package.json without the tandem prefix", () => {
  const keys = declaredKeys(packageJson);
  assert.ok(keys.includes("serverPath"));
  assert.ok(keys.includes("backend.apiKeyEnv"));
  assert.ok(!keys.some((k) => k.startsWith("tandem.")));
  assert.deepEqual(declaredKeys({}), []);
});

/** `key` → default (as JSON text) from the configuration table of the repository's README. */
function readmeDefaults(): Map<string, string> {
  const readme = readFileSync(resolve(extensionDir, "../../README.md"), "utf8");
  const rows = new Map<string, string>();
  for (const line of readme.split("\n")) {
    const match = /^\| `([a-z_]+\.[a-z_]+)` \| (.+?) \|/.exec(line);
    if (match) {
      const cell = match[2].trim();
      rows.set(match[1], cell === "none" ? "null" : cell.replace(/^`|`$/g, ""));
    }
  }
  return rows;
}

test("every server setting in package.json has README's key and default", () => {
  const readme = readmeDefaults();
  assert.ok(readme.size > 20, `README's configuration table was not found (${readme.size} rows)`);
  const properties = packageJson.contributes.configuration.properties;
  const serverKeys = declaredKeys(packageJson).filter((k) => !CLIENT_ONLY_KEYS.includes(k));
  for (const key of serverKeys) {
    const serverKey = key.split(".").map(camelToSnake).join(".");
    const expected = readme.get(serverKey);
    assert.ok(expected !== undefined, `tandem.${key} maps to ${serverKey}, which README does not list`);
    assert.deepEqual(
      properties[`tandem.${key}`].default,
      JSON.parse(expected),
      `default of tandem.${key}`,
    );
    assert.ok(properties[`tandem.${key}`].markdownDescription, `tandem.${key} has a description`);
  }
});

test("every key in README's configuration table is a VS Code setting", () => {
  const declared = new Set(
    declaredKeys(packageJson).map((k) => k.split(".").map(camelToSnake).join(".")),
  );
  for (const key of readmeDefaults().keys()) {
    assert.ok(declared.has(key), `README's ${key} has no tandem.* setting`);
  }
});
