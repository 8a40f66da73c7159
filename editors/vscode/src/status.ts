//! The status bar's state machine: what the server is doing, as one small value.
// Pure: events in, state out; `render` says what the status bar shows.

/** The client's lifecycle phase. */
export type Phase = "starting" | "ready" | "stopped";

/** Everything the status bar shows. */
export interface Status {
  phase: Phase;
  /** Completion requests sent and not yet answered. */
  inFlight: number;
  /** The title/message of running `$/progress`, e.g. "starting llama-server". */
  progress?: string;
  /** The last error shown by the server or the client, until things work again. */
  error?: string;
}

/** Something that happened. */
export type StatusEvent =
  | { kind: "starting" }
  | { kind: "ready" }
  | { kind: "stopped"; error?: string }
  | { kind: "requestStarted" }
  | { kind: "requestFinished"; items: number }
  | { kind: "requestFailed"; error: string }
  | { kind: "progressBegin"; title: string; message?: string }
  | { kind: "progressReport"; message?: string }
  | { kind: "progressEnd" }
  | { kind: "serverMessage"; type: number; message: string };

/** LSP `MessageType.Error`. */
const MESSAGE_ERROR = 1;
/** LSP `MessageType.Warning`. */
const MESSAGE_WARNING = 2;

/** The state before the client starts. */
export const INITIAL: Status = { phase: "starting", inFlight: 0 };

/** Applies one event. */
export function reduce(state: Status, event: StatusEvent): Status {
  switch (event.kind) {
    case "starting":
      return { phase: "starting", inFlight: 0 };
    case "ready":
      return { ...state, phase: "ready" };
    case "stopped":
      return { phase: "stopped", inFlight: 0, error: event.error ?? state.error };
    case "requestStarted":
      return { ...state, inFlight: state.inFlight + 1 };
    case "requestFinished":
      // The server answers with empty lists while its backend is down, so only a real
      // suggestion proves it has recovered.
      return {
        ...state,
        inFlight: Math.max(0, state.inFlight - 1),
        error: event.items > 0 ? undefined : state.error,
      };
    case "requestFailed":
      return { ...state, inFlight: Math.max(0, state.inFlight - 1), error: event.error };
    case "progressBegin":
      return { ...state, progress: event.message ? `${event.title}: ${event.message}` : event.title };
    case "progressReport":
      return { ...state, progress: event.message ?? state.progress };
    case "progressEnd":
      return { ...state, progress: undefined };
    case "serverMessage":
      if (event.type === MESSAGE_ERROR || event.type === MESSAGE_WARNING) {
        return { ...state, error: event.message };
      }
      return state;
  }
}

/** What the status bar item shows. */
export interface Rendered {
  text: string;
  tooltip: string;
  isError: boolean;
}

/** `message` prefixed with "tandem: " once; the server already prefixes some of its messages. */
export function withProductPrefix(message: string): string {
  return /^tandem\b/i.test(message) ? message : `tandem: ${message}`;
}

/** The status bar item for a state; `$(…)` are VS Code codicons. */
export function render(state: Status): Rendered {
  if (state.phase === "stopped") {
    return {
      text: "$(circle-slash) tandem",
      tooltip: state.error ? `tandem stopped: ${state.error}` : "tandem stopped",
      isError: state.error !== undefined,
    };
  }
  if (state.error !== undefined) {
    return { text: "$(error) tandem", tooltip: withProductPrefix(state.error), isError: true };
  }
  if (state.progress !== undefined) {
    return { text: "$(sync~spin) tandem", tooltip: state.progress, isError: false };
  }
  if (state.phase === "starting") {
    return { text: "$(sync~spin) tandem", tooltip: "tandem: starting the server", isError: false };
  }
  if (state.inFlight > 0) {
    return { text: "$(loading~spin) tandem", tooltip: "tandem: asking the model", isError: false };
  }
  return { text: "$(check) tandem", tooltip: "tandem: ready", isError: false };
}
