// The LLM providers the agent can talk to: OpenAI-compatible endpoints with a base URL, a default model and
// the name of the key they use. Built-ins cover Ollama, LiteLLM, OpenAI, Groq and OpenRouter; a file adds more.
import { z } from "zod";

export interface Provider {
  /** Name used in /provider, LLM_PROVIDER and /key (lowercase, e.g. `ollama`). */
  name: string;
  /** OpenAI-compatible base URL, ending in `/v1` for most servers. */
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
    baseURL: "http://host.docker.internal:11434/v1",
    defaultModel: "qwen2.5-coder:7b",
    keyName: "ollama",
    requiresKey: false,
    stream: true,
  },
  {
    name: "litellm",
    baseURL: "http://litellm:4000",
    defaultModel: "default",
    keyName: "litellm",
    requiresKey: false,
    stream: true,
  },
  {
    name: "openai",
    baseURL: "https://api.openai.com/v1",
    defaultModel: "gpt-4o-mini",
    keyName: "openai",
    requiresKey: true,
    stream: true,
  },
  {
    name: "groq",
    baseURL: "https://api.groq.com/openai/v1",
    defaultModel: "llama-3.3-70b-versatile",
    keyName: "groq",
    requiresKey: true,
    stream: true,
  },
  {
    name: "openrouter",
    baseURL: "https://openrouter.ai/api/v1",
    defaultModel: "openai/gpt-4o-mini",
    keyName: "openrouter",
    requiresKey: true,
    stream: true,
  },
];

export const builtinProviderNames = builtins.map((p) => p.name);

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
 * environment overrides (`<NAME>_BASE_URL`, `<NAME>_MODEL`). Ollama's base URL variable is the server root,
 * as Ollama documents it, so `/v1` is added when missing.
 */
export function resolveProviders(
  env: Record<string, string | undefined>,
  file: ProvidersFile | undefined,
  streamDefault: boolean,
): Provider[] {
  const byName = new Map<string, Provider>(builtins.map((p) => [p.name, { ...p, stream: streamDefault }]));
  for (const [name, entry] of Object.entries(file?.providers ?? {})) {
    byName.set(name, {
      name,
      baseURL: entry.baseURL,
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
    if (baseURL) provider.baseURL = provider.name === "ollama" ? withV1(baseURL) : baseURL;
    if (model) provider.defaultModel = model;
  }
  return [...byName.values()];
}

function withV1(url: string): string {
  const trimmed = url.replace(/\/+$/, "");
  return trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`;
}
