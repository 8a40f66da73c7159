//! Maps VS Code's `tandem.*` settings (camelCase) to the server's config structure (snake_case).
// Pure: no `vscode` import, so it runs under plain Node in tests.

/** Settings that configure the extension itself and are never sent to the server. */
export const CLIENT_ONLY_KEYS: readonly string[] = ["serverPath", "trace.server"];

/** What `WorkspaceConfiguration.inspect` reports for one key (only the fields used here). */
export interface InspectedValue {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** `apiKeyEnv` → `api_key_env`. */
export function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

/** The setting keys (without the `tandem.` prefix) declared in the extension's package.json. */
export function declaredKeys(packageJson: unknown): string[] {
  const properties = (packageJson as { contributes?: { configuration?: { properties?: object } } })
    ?.contributes?.configuration?.properties;
  if (!properties || typeof properties !== "object") {
    return [];
  }
  return Object.keys(properties)
    .filter((k) => k.startsWith("tandem."))
    .map((k) => k.slice("tandem.".length));
}

/**
 * The values the user set explicitly, most specific scope first. VS Code's defaults are left out
 * on purpose: the server ranks client settings above tandem.toml, so sending defaults would hide
 * the user's tandem.toml.
 */
export function explicitValues(
  keys: readonly string[],
  inspect: (key: string) => InspectedValue | undefined,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const seen = inspect(key);
    if (!seen) {
      continue;
    }
    const value = seen.workspaceFolderValue ?? seen.workspaceValue ?? seen.globalValue;
    if (value !== undefined) {
      values[key] = value;
    }
  }
  return values;
}

/**
 * Turns flat dotted camelCase keys into the server's nested snake_case structure. Values are
 * passed as they are (e.g. `prompt.custom` is already in the server's shape).
 */
export function toServerSettings(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    if (CLIENT_ONLY_KEYS.includes(key)) {
      continue;
    }
    const path = key.split(".").map(camelToSnake);
    let node = root;
    for (const segment of path.slice(0, -1)) {
      const child = node[segment];
      if (child === null || typeof child !== "object" || Array.isArray(child)) {
        node[segment] = {};
      }
      node = node[segment] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return root;
}
