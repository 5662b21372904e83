// How many tokens a request to this model may hold, asked of the server: Ollama's /api/show, the
// `/models` entry (vLLM `max_model_len`, OpenRouter `context_length`, Groq `context_window`), LiteLLM's
// /model/info; else the configured CONTEXT_WINDOW. Requests and the history budget are sized to it.
import type { Provider } from "./providers.js";

export interface ContextWindow {
  /** Tokens one request (prompt and answer together) may use. */
  tokens: number;
  /** Where the figure came from, said to the user (banner, doctor). */
  source: string;
  /** False when the figure is the configured fallback because the server did not say. */
  fromServer: boolean;
  /**
   * False for Ollama (either route): its prompt token count leaves out a cached prefix (ollama/ollama#3427),
   * so a low count does not mean the prompt was cut.
   */
  promptCountReliable: boolean;
}

/** Ollama's default context when a request cannot set num_ctx (its OpenAI route): 4096 in current versions. */
export const OLLAMA_DEFAULT_CONTEXT = 4_096;

/** The default CONTEXT_WINDOW: small enough for most local models, so history is cut by us, not the server. */
export const DEFAULT_CONTEXT_WINDOW = 32_768;

const LOOKUP_TIMEOUT_MS = 5_000;

/** A JSON GET or POST with a bearer key; undefined on any failure (the caller falls back). */
export async function fetchJson(
  url: string,
  apiKey: string | undefined,
  signal: AbortSignal | undefined,
  body?: unknown,
): Promise<{ status: number; json: unknown } | undefined> {
  const timeout = AbortSignal.timeout(LOOKUP_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  } catch {
    return undefined;
  }
}

/** The context length Ollama's /api/show reports (`model_info["<arch>.context_length"]`). */
export async function ollamaContextLength(
  baseURL: string,
  model: string,
  apiKey: string | undefined,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const shown = await fetchJson(`${baseURL}/api/show`, apiKey, signal, { model });
  const info = (shown?.json as { model_info?: Record<string, unknown> } | undefined)?.model_info;
  for (const [key, value] of Object.entries(info ?? {})) {
    if (key.endsWith(".context_length") && typeof value === "number" && value > 0) return value;
  }
  return undefined;
}

/** The context length an OpenAI-compatible server lists for `model`, under any of the names servers use. */
export async function listedContextLength(
  provider: Provider,
  model: string,
  apiKey: string | undefined,
  signal?: AbortSignal,
): Promise<{ tokens: number; source: string } | undefined> {
  const base = provider.baseURL.replace(/\/+$/, "");
  const listed = await fetchJson(`${base}/models`, apiKey, signal);
  const entries = (listed?.json as { data?: unknown[] } | undefined)?.data ?? [];
  const entry = entries.find((e) => (e as { id?: unknown }).id === model) as
    | Record<string, unknown>
    | undefined;
  for (const field of ["max_model_len", "context_length", "context_window", "max_context_length"]) {
    const value = entry?.[field];
    if (typeof value === "number" && value > 0) return { tokens: value, source: `${base}/models ${field}` };
  }
  // LiteLLM keeps it in /model/info, at the proxy's root.
  const root = base.replace(/\/v1$/, "");
  const info = await fetchJson(`${root}/model/info`, apiKey, signal);
  const models = (info?.json as { data?: unknown[] } | undefined)?.data ?? [];
  for (const item of models) {
    const { model_name, model_info } = item as { model_name?: unknown; model_info?: Record<string, unknown> };
    if (model_name !== model) continue;
    const value = model_info?.max_input_tokens ?? model_info?.max_tokens;
    if (typeof value === "number" && value > 0) return { tokens: value, source: `${root}/model/info` };
  }
  return undefined;
}

export interface DiscoverOptions {
  provider: Provider;
  model: string;
  apiKey: string | undefined;
  /** CONTEXT_WINDOW: used when the server does not say. */
  fallback: number;
  /** OLLAMA_NUM_CTX: the most an Ollama request asks for (the KV cache grows with it). */
  ollamaCap: number;
  signal?: AbortSignal;
}

/** The window for requests to `model`. Never throws: a server that does not say gives the fallback. */
export async function discoverContextWindow(options: DiscoverOptions): Promise<ContextWindow> {
  const { provider, model, apiKey, fallback, signal } = options;
  if (provider.api === "ollama") {
    const length = await ollamaContextLength(provider.baseURL, model, apiKey, signal);
    const base = { fromServer: length !== undefined, promptCountReliable: false };
    if (length !== undefined) {
      const capped = Math.min(length, options.ollamaCap);
      const note = capped < length ? `, capped by OLLAMA_NUM_CTX=${options.ollamaCap}` : "";
      return { ...base, tokens: capped, source: `Ollama /api/show: ${length}${note}` };
    }
    const tokens = Math.min(fallback, options.ollamaCap);
    return { ...base, tokens, source: "CONTEXT_WINDOW (Ollama's /api/show did not say)" };
  }
  // Ollama behind its OpenAI-compatible route: num_ctx cannot be set there (ollama/ollama#5902). Hosted APIs
  // (those that need a key) are not asked.
  const root = provider.baseURL.replace(/\/+$/, "").replace(/\/v1$/, "");
  const version = provider.requiresKey ? undefined : await fetchJson(`${root}/api/version`, apiKey, signal);
  if (version?.status === 200 && typeof (version.json as { version?: unknown })?.version === "string") {
    const length = await ollamaContextLength(root, model, apiKey, signal);
    return {
      tokens: Math.min(length ?? OLLAMA_DEFAULT_CONTEXT, OLLAMA_DEFAULT_CONTEXT),
      source:
        `Ollama's OpenAI route runs in the server's default window (${OLLAMA_DEFAULT_CONTEXT} unless ` +
        "OLLAMA_CONTEXT_LENGTH is set on the server); the ollama provider sets num_ctx per request",
      fromServer: true,
      promptCountReliable: false,
    };
  }
  const listed = await listedContextLength(provider, model, apiKey, signal);
  if (listed)
    return { tokens: listed.tokens, source: listed.source, fromServer: true, promptCountReliable: true };
  return {
    tokens: fallback,
    source: "CONTEXT_WINDOW (the server did not say)",
    fromServer: false,
    promptCountReliable: true,
  };
}
