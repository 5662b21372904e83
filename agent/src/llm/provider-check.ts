// `agent doctor`: is the provider reachable, is the model there, can it call tools, how big is its context
// window, is there a key. Each check is one line; a failed one says what fixes it. Nothing is printed here.
import type { ChatModel } from "./chat-model.js";
import { fetchJson } from "./context-window.js";
import { envPrefix, type Provider } from "./providers.js";

export type CheckStatus = "ok" | "warn" | "fail";

export interface CheckResult {
  /** What was checked, e.g. "reachable", "model", "tools", "context", "key". */
  check: string;
  status: CheckStatus;
  /** One line: what was found, and for warn/fail what to do. */
  message: string;
}

export interface ProviderCheckInput {
  provider: Provider;
  model: ChatModel;
  apiKey: string | undefined;
  signal?: AbortSignal;
}

/** Runs every check in order; a provider that cannot be reached skips the checks that need it. */
export async function checkProvider(input: ProviderCheckInput): Promise<CheckResult[]> {
  const { provider, apiKey } = input;
  const results: CheckResult[] = [];
  const keyVar = `${envPrefix(provider.keyName)}_API_KEY`;
  if (provider.requiresKey && !apiKey) {
    results.push({
      check: "key",
      status: "fail",
      message: `no key for ${provider.name}: store one with /key ${provider.keyName} in the REPL, or set ${keyVar}`,
    });
  } else {
    results.push({
      check: "key",
      status: "ok",
      message: apiKey ? `a key for ${provider.name} is set` : `${provider.name} needs no key`,
    });
  }
  const reach = provider.api === "ollama" ? await ollamaChecks(input) : await openAiChecks(input);
  results.push(...reach);
  if (reach.some((r) => r.check === "reachable" && r.status === "fail")) return results;
  const window = await input.model.contextWindow(input.signal);
  results.push(
    window.fromServer
      ? {
          check: "context",
          status: "ok",
          message: `context window ${window.tokens} tokens (${window.source})`,
        }
      : {
          check: "context",
          status: "warn",
          message: `context window unknown: assuming ${window.tokens} tokens; set CONTEXT_WINDOW to the model's`,
        },
  );
  return results;
}

async function ollamaChecks({ provider, model, apiKey, signal }: ProviderCheckInput): Promise<CheckResult[]> {
  const base = provider.baseURL;
  const version = await fetchJson(`${base}/api/version`, apiKey, signal);
  if (version?.status !== 200) {
    const how = version ? `HTTP ${version.status}` : "no answer";
    return [
      {
        check: "reachable",
        status: "fail",
        message:
          `Ollama at ${base}: ${how}. Start it (ollama serve; in Docker it must listen on 0.0.0.0: ` +
          "OLLAMA_HOST=0.0.0.0 ollama serve) and check OLLAMA_BASE_URL",
      },
    ];
  }
  const found = (version.json as { version?: string }).version ?? "?";
  const results: CheckResult[] = [
    { check: "reachable", status: "ok", message: `Ollama ${found} at ${base}` },
  ];
  const tags = await fetchJson(`${base}/api/tags`, apiKey, signal);
  const names = ((tags?.json as { models?: Array<{ name?: string }> } | undefined)?.models ?? []).map(
    (m) => m.name,
  );
  const wanted = model.model.includes(":") ? model.model : `${model.model}:latest`;
  if (!names.includes(model.model) && !names.includes(wanted)) {
    results.push({
      check: "model",
      status: "fail",
      message: `model ${model.model} is not pulled: run ollama pull ${model.model}`,
    });
    return results;
  }
  results.push({ check: "model", status: "ok", message: `model ${model.model} is pulled` });
  const shown = await fetchJson(`${base}/api/show`, apiKey, signal, { model: model.model });
  const capabilities = (shown?.json as { capabilities?: string[] } | undefined)?.capabilities;
  if (capabilities === undefined) {
    results.push({
      check: "tools",
      status: "warn",
      message: "Ollama did not say whether the model can call tools",
    });
  } else if (!capabilities.includes("tools")) {
    results.push({
      check: "tools",
      status: "fail",
      message:
        `${model.model} cannot call tools (Ollama lists: ${capabilities.join(", ")}): pick one that can, ` +
        "e.g. /provider ollama qwen2.5-coder:7b",
    });
  } else {
    results.push({ check: "tools", status: "ok", message: `${model.model} can call tools` });
  }
  return results;
}

async function openAiChecks({ provider, model, apiKey, signal }: ProviderCheckInput): Promise<CheckResult[]> {
  const base = provider.baseURL.replace(/\/+$/, "");
  const listed = await fetchJson(`${base}/models`, apiKey, signal);
  if (!listed) {
    return [
      {
        check: "reachable",
        status: "fail",
        message: `${provider.name} at ${base}: no answer. Check the server is running and ${envPrefix(provider.name)}_BASE_URL`,
      },
    ];
  }
  if (listed.status === 401 || listed.status === 403) {
    return [
      { check: "reachable", status: "ok", message: `${provider.name} answers at ${base}` },
      {
        check: "key",
        status: "fail",
        message: `${provider.name} refused the key (HTTP ${listed.status}): /key ${provider.keyName} <key>`,
      },
    ];
  }
  const results: CheckResult[] = [
    { check: "reachable", status: "ok", message: `${provider.name} answers at ${base}` },
  ];
  const ids = ((listed.json as { data?: Array<{ id?: string }> } | undefined)?.data ?? []).map((m) => m.id);
  if (listed.status !== 200 || ids.length === 0) {
    results.push({
      check: "model",
      status: "warn",
      message: `the server lists no models; cannot check ${model.model}`,
    });
  } else if (!ids.includes(model.model)) {
    const some = ids.slice(0, 5).join(", ");
    results.push({
      check: "model",
      status: "fail",
      message: `model ${model.model} is not served here (it has: ${some}${ids.length > 5 ? ", …" : ""}): /provider ${provider.name} <model>`,
    });
  } else {
    results.push({ check: "model", status: "ok", message: `model ${model.model} is served` });
  }
  return results;
}
