// The LLM providers the agent can talk to: OpenAI-compatible endpoints with a base URL, a default model and
// the name of the key they use. Built-ins cover Ollama, LiteLLM, OpenAI, Groq and OpenRouter; a file adds more.
import { z } from "zod";

/** The wire protocol: OpenAI-compatible chat completions, or Ollama's native /api/chat. */
export type ProviderApi = "openai" | "ollama";

export interface Provider {
  /** Name used in /provider, LLM_PROVIDER and /key (lowercase, e.g. `ollama`). */
  name: string;
  api: ProviderApi;
  /** OpenAI-compatible base URL (ending in `/v1` for most servers); for `api: "ollama"` the server root. */
  baseURL: string;
  /** Model used until `/provider <name> <model>` picks another. */
  defaultModel: string;
  /** Keystore entry and `<KEYNAME>_API_KEY` variable holding its key. */
  keyName: string;
  /** Whether a request without a key is pointless (hosted APIs) or fine (a local Ollama). */
  requiresKey: boolean;
  /** Stream responses (default) or ask for whole completions. */
  stream: boolean;
}

const builtins: readonly Provider[] = [
  {
    name: "ollama",
    api: "ollama",
    baseURL: "http://host.docker.internal:11434",
    defaultModel: "qwen2.5-coder:7b",
    keyName: "ollama",
    requiresKey: false,
    stream: true,
  },
  {
    name: "litellm",
    api: "openai",
    baseURL: "http://litellm:4000",
    defaultModel: "default",
    keyName: "litellm",
    requiresKey: false,
    stream: true,
  },
  {
    name: "openai",
    api: "openai",
    baseURL: "https://api.openai.com/v1",
    defaultModel: "gpt-4o-mini",
    keyName: "openai",
    requiresKey: true,
    stream: true,
  },
  {
    name: "groq",
    api: "openai",
    baseURL: "https://api.groq.com/openai/v1",
    defaultModel: "llama-3.3-70b-versatile",
    keyName: "groq",
    requiresKey: true,
    stream: true,
  },
  {
    name: "openrouter",
    api: "openai",
    baseURL: "https://openrouter.ai/api/v1",
    defaultModel: "openai/gpt-4o-mini",
    keyName: "openrouter",
    requiresKey: true,
    stream: true,
  },
];

export const builtinProviderNames = builtins.map((p) => p.name);

/** A built-in provider's definition (its defaults before the environment and PROVIDERS_FILE apply). */
export function builtinProvider(name: string): Provider {
  const provider = builtins.find((p) => p.name === name);
  if (!provider) throw new Error(`no built-in provider "${name}"`);
  return provider;
}

const providerName = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,31}$/,
    "a lowercase name of letters, digits, '-' or '_' (at most 32 characters)",
  );

/** The providers file: `{"providers": {"lmstudio": {"baseURL": "...", "model": "..."}}}`. */
export const providersFileSchema = z.strictObject({
  providers: z.record(
    providerName,
    z.strictObject({
      api: z.enum(["openai", "ollama"]).optional(),
      baseURL: z.url(),
      model: z.string().min(1),
      keyName: providerName.optional(),
      requiresKey: z.boolean().optional(),
      stream: z.boolean().optional(),
    }),
  ),
});

export type ProvidersFile = z.infer<typeof providersFileSchema>;

/** `OLLAMA_BASE_URL` etc.: the variable prefix for a provider name. */
export function envPrefix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/**
 * The full provider list: built-ins, then the file's (which may redefine a built-in), then per-provider
 * environment overrides (`<NAME>_BASE_URL`, `<NAME>_MODEL`). Ollama's base URL is the server root, as Ollama
 * documents it; a `/v1` left from the OpenAI-compatible route is dropped (the native API sits beside it).
 */
export function resolveProviders(
  env: Record<string, string | undefined>,
  file: ProvidersFile | undefined,
  streamDefault: boolean,
): Provider[] {
  const byName = new Map<string, Provider>(builtins.map((p) => [p.name, { ...p, stream: streamDefault }]));
  for (const [name, entry] of Object.entries(file?.providers ?? {})) {
    const api = entry.api ?? "openai";
    byName.set(name, {
      name,
      api,
      baseURL: api === "ollama" ? ollamaRoot(entry.baseURL) : entry.baseURL,
      defaultModel: entry.model,
      keyName: entry.keyName ?? name,
      requiresKey: entry.requiresKey ?? false,
      stream: entry.stream ?? streamDefault,
    });
  }
  for (const provider of byName.values()) {
    const prefix = envPrefix(provider.name);
    const baseURL = env[`${prefix}_BASE_URL`];
    const model = env[`${prefix}_MODEL`];
    if (baseURL) provider.baseURL = provider.api === "ollama" ? ollamaRoot(baseURL) : baseURL;
    if (model) provider.defaultModel = model;
  }
  return [...byName.values()];
}

function ollamaRoot(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/v1$/, "");
}
