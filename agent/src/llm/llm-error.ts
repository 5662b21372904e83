// The one error the LLM layer throws: which provider, which URL, what went wrong and what to check.
// The REPL prints `message` as one line and stays usable; print mode maps it to exit code 1.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

export type LlmErrorKind =
  | "unreachable"
  | "timeout"
  | "auth"
  | "rate-limit"
  | "server"
  | "bad-request"
  | "model-not-found"
  | "aborted"
  | "protocol"
  /** A response ran past the total-time or size cap and was cut. */
  | "too-long";

export class LlmError extends namedError("LlmError") {
  constructor(
    message: string,
    readonly details: {
      kind: LlmErrorKind;
      provider: string;
      baseURL: string;
      status?: number;
      attempts: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
  }

  get kind(): LlmErrorKind {
    return this.details.kind;
  }
}

/** What to tell the user to check, per failure kind. */
export function adviceFor(kind: LlmErrorKind, provider: string, model = "<model>"): string {
  const keyVar = `${provider.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY`;
  switch (kind) {
    case "unreachable":
      return provider === "ollama"
        ? "check that Ollama is running (ollama serve) and OLLAMA_BASE_URL points at it"
        : `check that the server is running and the ${provider} base URL is right`;
    case "timeout":
      return "the server did not answer in time; check it is not overloaded, or raise LLM_TIMEOUT_SECONDS";
    case "auth":
      return `check the key: /key ${provider} <key>, or set ${keyVar}`;
    case "rate-limit":
      return "the provider is rate limiting; wait a moment and try again, or switch with /provider";
    case "server":
      return "the provider had an internal error; try again, or switch with /provider";
    case "bad-request":
      return "the provider refused the request; check the model supports tool calling";
    case "model-not-found":
      return provider === "ollama"
        ? `pull it first (ollama pull ${model}) or pick another with /provider ollama <model>`
        : "check the model name, or pick another with /provider <name> <model>";
    case "aborted":
      return "interrupted";
    case "protocol":
      return "the server's reply was not a valid chat completion; check the endpoint is OpenAI-compatible";
    case "too-long":
      return "the response was cut; ask for something shorter, or raise LLM_MAX_RESPONSE_SECONDS";
  }
}
