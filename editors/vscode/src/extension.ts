//! The VS Code glue: starts `tandem serve`, wires settings, the inline provider and the status bar.
// Logic lives in the pure modules (settings, convert, status, inlineProvider); this file only
// connects them to VS Code and vscode-languageclient.

import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  ShowMessageNotification,
  State,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
} from "vscode-languageclient/node";
import { EXECUTE_SERVER_COMMAND } from "./convert";
import { createInlineProvider, describe } from "./inlineProvider";
import { declaredKeys, explicitValues, toServerSettings } from "./settings";
import { INITIAL, Status, StatusEvent, reduce, render, withProductPrefix } from "./status";

const SELECTOR: vscode.DocumentSelector = [{ scheme: "file" }, { scheme: "untitled" }];

let client: LanguageClient | undefined;

/** Called by VS Code once per window. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("tandem");
  const statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  statusItem.command = "tandem.showOutput";
  statusItem.show();
  context.subscriptions.push(output, statusItem);

  let status: Status = INITIAL;
  const report = (event: StatusEvent): void => {
    status = reduce(status, event);
    const shown = render(status);
    statusItem.text = shown.text;
    statusItem.tooltip = shown.tooltip;
    statusItem.backgroundColor = shown.isError
      ? new vscode.ThemeColor("statusBarItem.errorBackground")
      : undefined;
  };
  report({ kind: "starting" });

  const keys = declaredKeys(context.extension.packageJSON);
  const serverSettings = (): Record<string, unknown> => {
    const config = vscode.workspace.getConfiguration("tandem");
    return toServerSettings(explicitValues(keys, (key) => config.inspect(key)));
  };

  const log = (message: string): void => output.appendLine(message);

  const provider = createInlineProvider<vscode.Range, vscode.InlineCompletionItem>({
    sendRequest: (method, params, token) => {
      if (!client || !client.isRunning()) {
        return Promise.resolve(null);
      }
      return client.sendRequest(method, params, token as vscode.CancellationToken);
    },
    sendNotification: (method, params) => client?.sendNotification(method, params),
    // The same conversion the client used for didOpen, so the server finds the document.
    uriOf: (document) => {
      const uri = (document as vscode.TextDocument).uri;
      return client ? client.code2ProtocolConverter.asUri(uri) : uri.toString();
    },
    factory: {
      range: (r) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
      snippet: (value) => new vscode.SnippetString(value),
      item: (text, range, command) =>
        new vscode.InlineCompletionItem(text as string | vscode.SnippetString, range, command),
    },
    invokeKind: vscode.InlineCompletionTriggerKind.Invoke,
    report,
    log,
  });

  context.subscriptions.push(
    // The provider also carries the newer hooks (didShow, partial accept); VS Code calls them
    // where its API supports them, so the registration is typed loosely on purpose.
    vscode.languages.registerInlineCompletionItemProvider(
      SELECTOR,
      provider as unknown as vscode.InlineCompletionItemProvider,
    ),
    vscode.commands.registerCommand(EXECUTE_SERVER_COMMAND, (command: string, args: unknown[]) =>
      client
        ?.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })
        .catch((error) => log(`${command} failed: ${describe(error)}`)),
    ),
    vscode.commands.registerCommand("tandem.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("tandem.restartServer", async () => {
      await stopClient();
      await startClient(output, serverSettings, report);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("tandem.serverPath")) {
        await stopClient();
        await startClient(output, serverSettings, report);
      } else if (event.affectsConfiguration("tandem") && client?.isRunning()) {
        await client
          .sendNotification(DidChangeConfigurationNotification.type, {
            settings: { tandem: serverSettings() },
          })
          .catch((error) => log(`sending settings failed: ${describe(error)}`));
      }
    }),
  );

  await startClient(output, serverSettings, report);
}

/** Called by VS Code on shutdown. */
export async function deactivate(): Promise<void> {
  await stopClient();
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop().catch(() => undefined);
  }
}

async function startClient(
  output: vscode.OutputChannel,
  serverSettings: () => Record<string, unknown>,
  report: (event: StatusEvent) => void,
): Promise<void> {
  report({ kind: "starting" });
  const command = vscode.workspace.getConfiguration("tandem").get<string>("serverPath") || "tandem";
  const serverOptions: ServerOptions = { command, args: ["serve"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR as LanguageClientOptions["documentSelector"],
    outputChannel: output,
    initializationOptions: serverSettings(),
    middleware: {
      // Our own provider serves inline completions; the server's `textDocument/completion`
      // fallback would only duplicate the ghost text in the suggest widget and cost a model call.
      provideInlineCompletionItems: () => undefined,
      provideCompletionItem: () => undefined,
    },
  };
  const created = new LanguageClient("tandem", "tandem", serverOptions, clientOptions);
  client = created;
  // The client restarts a crashed server by itself; follow it so the status bar does too.
  created.onDidChangeState((change) => {
    if (client !== created) {
      return;
    }
    if (change.newState === State.Stopped) {
      report({ kind: "stopped" });
    } else if (change.newState === State.Starting) {
      report({ kind: "starting" });
    } else if (change.newState === State.Running) {
      report({ kind: "ready" });
    }
  });
  // Replaces the client's default (handlers registered before start() win) so errors also
  // reach the status bar, including those the server sends right after `initialized`.
  created.onNotification(ShowMessageNotification.type, ({ type, message }) => {
    output.appendLine(`[server message ${type}] ${message}`);
    report({ kind: "serverMessage", type, message });
    const shown = withProductPrefix(message);
    if (type === 1) {
      void vscode.window.showErrorMessage(shown);
    } else if (type === 2) {
      void vscode.window.showWarningMessage(shown);
    } else {
      void vscode.window.showInformationMessage(shown);
    }
  });
  try {
    await created.start();
  } catch (error) {
    const message = `could not start \`${command} serve\`: ${describe(error)}. Set tandem.serverPath to the tandem binary.`;
    output.appendLine(message);
    report({ kind: "stopped", error: message });
    void vscode.window.showErrorMessage(withProductPrefix(message));
    return;
  }
  // Track the server's start-up progress (e.g. the managed llama-server) in the status bar.
  // Registered after start() because the client's progress feature installs its own on start.
  created.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
    const listener = created.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === "begin") {
        report({ kind: "progressBegin", title: value.title, message: value.message });
      } else if (value.kind === "report") {
        report({ kind: "progressReport", message: value.message });
      } else {
        report({ kind: "progressEnd" });
        listener.dispose();
      }
    });
  });
  report({ kind: "ready" });
}
