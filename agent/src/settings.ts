// Every environment variable, once: its type, default, description, section and whether it is a secret.
// loadConfig validates with it; `agent --help` and .env.example (npm run gen:env) are rendered from it.
import { z } from "zod";
import { DEFAULT_CONTEXT_WINDOW } from "./llm/context-window.js";
import { builtinProvider } from "./llm/providers.js";

/** The sections of .env.example and of --help's environment list, in order. */
export const SETTING_SECTIONS = {
  llm: "LLM provider",
  keystore: "Keystore",
  paths: "Paths",
  sandbox: "Sandbox",
  limits: "Limits",
  terminal: "Terminal",
  compose: "Compose only: read by docker-compose.yml, not by the agent",
} as const;
export type SettingSection = keyof typeof SETTING_SECTIONS;

/** What a value looks like, for --help. */
export type SettingType =
  | "text"
  | "url"
  | "path"
  | "integer"
  | "number"
  | "boolean"
  | "choice"
  | "duration"
  | "key";

/** One environment variable. */
export interface Setting {
  section: SettingSection;
  type: SettingType;
  /** The value .env.example shows and loadConfig falls back to; "" when the default is computed or absent. */
  default: string;
  /** The comment lines above it in .env.example; [] when the comment of the variable before covers it too. */
  description: readonly string[];
  /** A key or passphrase: never printed, redacted from logs. */
  secret?: boolean;
  /** How loadConfig validates it, and the words of its error ("expected <accepted>"); absent for free text. */
  parse?: { schema: z.ZodType<unknown, string>; accepted: string };
}

export const booleanSchema = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no"]))
  .transform((v) => v === "true" || v === "1" || v === "yes");

export function wholeNumber(min: number, max: number) {
  return z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));
}

/** The table, in the order of .env.example. */
export const SETTINGS = {
  LLM_PROVIDER: {
    section: "llm",
    type: "choice",
    default: "ollama",
    description: [
      "Which provider to start with: ollama, litellm, openai, groq, openrouter, or one from PROVIDERS_FILE.",
    ],
  },
  OLLAMA_BASE_URL: {
    section: "llm",
    type: "url",
    default: builtinProvider("ollama").baseURL,
    description: [
      "Ollama's server root (the agent speaks Ollama's native API, /api/chat). On Linux with Docker,",
      "host.docker.internal reaches the host.",
    ],
  },
  OLLAMA_MODEL: {
    section: "llm",
    type: "text",
    default: builtinProvider("ollama").defaultModel,
    description: [],
  },
  OLLAMA_NUM_CTX: {
    section: "llm",
    type: "integer",
    default: "32768",
    description: [
      "Most tokens of context an Ollama request asks for (options.num_ctx): the model's own context length from",
      "/api/show, capped here (the memory Ollama needs grows with it).",
    ],
    parse: {
      schema: wholeNumber(2_048, 10_000_000),
      accepted: "a whole number of tokens from 2048 to 10000000",
    },
  },
  OLLAMA_THINK: {
    section: "llm",
    type: "choice",
    default: "",
    description: [
      "Ollama's `think` for reasoning models: true, false, low, medium or high. Empty: the model's default.",
    ],
    parse: {
      schema: z
        .enum(["true", "false", "low", "medium", "high"])
        .transform((v) => (v === "true" ? true : v === "false" ? false : v)),
      accepted: "true, false, low, medium or high",
    },
  },
  OLLAMA_KEEP_ALIVE: {
    section: "llm",
    type: "duration",
    default: "",
    description: [
      "How long Ollama keeps the model loaded after a request (e.g. 30m, 1h, -1 for always). Empty: the server's default.",
    ],
    parse: {
      schema: z.string().regex(/^(-1|\d+(\.\d+)?(ms|s|m|h)?)$/),
      accepted: "a duration such as 30m, 1h or 300 (seconds), or -1 to keep the model loaded",
    },
  },
  LITELLM_BASE_URL: {
    section: "llm",
    type: "url",
    default: builtinProvider("litellm").baseURL,
    description: ["A LiteLLM proxy (the `litellm` compose profile, or your own)."],
  },
  LITELLM_MODEL: {
    section: "llm",
    type: "text",
    default: builtinProvider("litellm").defaultModel,
    description: [],
  },
  LITELLM_MASTER_KEY: {
    section: "llm",
    type: "key",
    default: "",
    description: [
      "The LiteLLM proxy's own master key (the `litellm` compose profile); the agent sends it as LITELLM_API_KEY.",
    ],
    secret: true,
  },
  OPENAI_BASE_URL: {
    section: "llm",
    type: "url",
    default: builtinProvider("openai").baseURL,
    description: ["Hosted providers: base URL and model overrides (defaults shown)."],
  },
  OPENAI_MODEL: {
    section: "llm",
    type: "text",
    default: builtinProvider("openai").defaultModel,
    description: [],
  },
  GROQ_BASE_URL: {
    section: "llm",
    type: "url",
    default: builtinProvider("groq").baseURL,
    description: [],
  },
  GROQ_MODEL: {
    section: "llm",
    type: "text",
    default: builtinProvider("groq").defaultModel,
    description: [],
  },
  OPENROUTER_BASE_URL: {
    section: "llm",
    type: "url",
    default: builtinProvider("openrouter").baseURL,
    description: [],
  },
  OPENROUTER_MODEL: {
    section: "llm",
    type: "text",
    default: builtinProvider("openrouter").defaultModel,
    description: [],
  },
  OLLAMA_API_KEY: {
    section: "llm",
    type: "key",
    default: "",
    description: [
      "Keys from the environment, used when the keystore has none for that provider (<PROVIDER>_API_KEY).",
      "Prefer the keystore: /key <provider> in the REPL.",
    ],
    secret: true,
  },
  LITELLM_API_KEY: {
    section: "llm",
    type: "key",
    default: "",
    description: [],
    secret: true,
  },
  OPENAI_API_KEY: {
    section: "llm",
    type: "key",
    default: "",
    description: [],
    secret: true,
  },
  GROQ_API_KEY: {
    section: "llm",
    type: "key",
    default: "",
    description: [],
    secret: true,
  },
  OPENROUTER_API_KEY: {
    section: "llm",
    type: "key",
    default: "",
    description: [],
    secret: true,
  },
  PROVIDERS_FILE: {
    section: "llm",
    type: "path",
    default: "",
    description: [
      'More OpenAI-compatible endpoints: {"providers": {"lmstudio": {"baseURL": "http://127.0.0.1:1234/v1", "model": "qwen"}}}',
      "Default: $DATA_DIR/providers.json when it exists. Compose: a path in the container, e.g.",
      "/app/config/providers.json for ./config/providers.json. Give such a provider its key with /key <name>.",
    ],
  },
  LLM_STREAM: {
    section: "llm",
    type: "boolean",
    default: "true",
    description: ["Stream responses (true) or request whole completions (false)."],
    parse: { schema: booleanSchema, accepted: "true or false" },
  },
  LLM_TIMEOUT_SECONDS: {
    section: "llm",
    type: "integer",
    default: "300",
    description: ["Longest wait for the first byte and between two streamed chunks, in seconds."],
    parse: { schema: wholeNumber(1, 3_600), accepted: "a whole number of seconds from 1 to 3600" },
  },
  LLM_MAX_RETRIES: {
    section: "llm",
    type: "integer",
    default: "3",
    description: [
      "Retries on 429, 5xx and connection errors, with backoff (before any tool of the step ran).",
    ],
    parse: { schema: wholeNumber(0, 10), accepted: "a whole number from 0 to 10" },
  },
  LLM_MAX_RESPONSE_SECONDS: {
    section: "llm",
    type: "integer",
    default: "900",
    description: [
      "Longest one response may stream, in seconds (a runaway stream is cut; so is one past 8 M characters).",
    ],
    parse: { schema: wholeNumber(10, 86_400), accepted: "a whole number of seconds from 10 to 86400" },
  },
  CONTEXT_WINDOW: {
    section: "llm",
    type: "integer",
    default: String(DEFAULT_CONTEXT_WINDOW),
    description: [
      "The model's context window in tokens, used when the server does not report it (Ollama /api/show, the",
      "/models list of vLLM, OpenRouter or Groq, LiteLLM /model/info do). History is cut to fit it.",
    ],
    parse: {
      schema: wholeNumber(2_048, 10_000_000),
      accepted: "a whole number of tokens from 2048 to 10000000",
    },
  },
  LLM_MASTER_KEY: {
    section: "keystore",
    type: "key",
    default: "",
    description: [
      "A long random secret: the keystore's encryption key is derived from it (Argon2id). Empty: no keystore,",
      "keys come only from *_API_KEY variables. Never stored anywhere by the agent.",
    ],
    secret: true,
  },
  LLM_NEW_MASTER_KEY: {
    section: "keystore",
    type: "key",
    default: "",
    description: ["Only for `agent keys rotate`: the new master key (else it asks on a terminal)."],
    secret: true,
  },
  KEYSTORE_PATH: {
    section: "keystore",
    type: "path",
    default: "",
    description: ["Default: $DATA_DIR/keys.enc"],
  },
  DATA_DIR: {
    section: "paths",
    type: "path",
    default: "",
    description: [
      "Keystore, sessions and logs live here. Default: /data in a container, ~/.local/share/ts-coding-agent on a host.",
      "Compose: /data (the agent-data volume).",
    ],
  },
  WORKSPACE_DIR: {
    section: "paths",
    type: "path",
    default: "",
    description: [
      "The directory the tools work in. Default: /workspace in a container, the current directory on a host.",
      "Compose: /workspace; choose the host folder with AGENT_WORKSPACE.",
    ],
  },
  DYNAMIC_TOOLS_DIR: {
    section: "paths",
    type: "path",
    default: "",
    description: [
      "Where create_tool writes dynamic tools. Default: $DATA_DIR/dynamic-tools. Compose: /dynamic-tools",
      "(AGENT_DYNAMIC_TOOLS on the host).",
    ],
  },
  SKILLS_DIR: {
    section: "paths",
    type: "path",
    default: "",
    description: [
      "Skills and playbooks. Default: the skills/ and playbooks/ folders next to the agent. Compose: /app/skills and",
      "/app/playbooks (./skills and ./playbooks).",
    ],
  },
  PLAYBOOKS_DIR: {
    section: "paths",
    type: "path",
    default: "",
    description: [],
  },
  STORE_URL: {
    section: "paths",
    type: "url",
    default: "",
    description: [
      "The library (skills, approvals, dynamic tools, artifacts) shared by many agents on one Redis:",
      "redis://[user:password@]host[:port][/db] or rediss://... Empty (the default): the local folders above and",
      "$DATA_DIR/skill-approvals.json. With Redis, approvals are signed with a key from LLM_MASTER_KEY: give every",
      "agent the same one. Compose: with --profile redis, redis://:<REDIS_PASSWORD>@redis:6379 (docs/adr/019).",
    ],
    secret: true,
  },
  MCP_CONFIG: {
    section: "paths",
    type: "path",
    default: "",
    description: [
      "MCP servers in the mcpServers format. Default: ./mcp.json when it exists. Compose: /app/config/mcp.json",
      "(config/mcp.json in the folder AGENT_CONFIG names).",
    ],
  },
  LOG_FILE: {
    section: "paths",
    type: "path",
    default: "",
    description: [
      "Log file (pino JSON lines). Default: $DATA_DIR/logs/agent.log in a container, the OS temp dir on a host.",
    ],
  },
  LOG_LEVEL: {
    section: "paths",
    type: "choice",
    default: "info",
    description: ["fatal, error, warn, info, debug, trace or silent."],
    parse: {
      schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
      accepted: "fatal, error, warn, info, debug, trace or silent",
    },
  },
  AGENT_MCP_TOKEN: {
    section: "paths",
    type: "key",
    default: "",
    description: [
      "Bearer token clients of `agent mcp --http` must send (16+ characters). Empty: one is generated per run and",
      "printed once to stderr; required when --host is not a loopback address.",
    ],
    secret: true,
  },
  SANDBOX: {
    section: "sandbox",
    type: "choice",
    default: "local",
    description: [
      "Where tools run: docker (a hardened container per session) or local (a child process; no isolation).",
      "Compose: docker.",
    ],
    parse: { schema: z.enum(["docker", "local"]), accepted: "docker or local" },
  },
  SANDBOX_IMAGE: {
    section: "sandbox",
    type: "text",
    default: "ts-coding-agent:latest",
    description: [],
  },
  SANDBOX_NETWORK: {
    section: "sandbox",
    type: "text",
    default: "none",
    description: [
      "The sandbox's network: none (default), or a Docker network name when tools need the network.",
    ],
    parse: {
      schema: z.string().regex(/^[\w.-]+$/),
      accepted: "a Docker network name such as none or bridge",
    },
  },
  SANDBOX_MEMORY_MB: {
    section: "sandbox",
    type: "integer",
    default: "1024",
    description: [],
    parse: { schema: wholeNumber(64, 65_536), accepted: "a whole number of megabytes from 64 to 65536" },
  },
  SANDBOX_CPUS: {
    section: "sandbox",
    type: "number",
    default: "1",
    description: [],
    parse: {
      schema: z
        .string()
        .regex(/^\d+(\.\d+)?$/)
        .transform(Number)
        .pipe(z.number().min(0.1).max(64)),
      accepted: "a number of CPUs from 0.1 to 64",
    },
  },
  SANDBOX_PIDS_LIMIT: {
    section: "sandbox",
    type: "integer",
    default: "256",
    description: [],
    parse: { schema: wholeNumber(16, 32_768), accepted: "a whole number from 16 to 32768" },
  },
  SANDBOX_INSTALL_NETWORK: {
    section: "sandbox",
    type: "text",
    default: "bridge",
    description: [
      "install_dependency runs pip/npm in a short-lived hardened container on this network (the sandbox itself",
      "keeps SANDBOX_NETWORK).",
    ],
    parse: { schema: z.string().regex(/^[\w.-]+$/), accepted: "a Docker network name such as bridge" },
  },
  INSTALL_ALLOW_URLS: {
    section: "sandbox",
    type: "boolean",
    default: "false",
    description: ["Allow http(s) URLs as package specs in install_dependency (docker sandbox only)."],
    parse: { schema: booleanSchema, accepted: "true or false" },
  },
  HOST_WORKSPACE_DIR: {
    section: "sandbox",
    type: "path",
    default: "",
    description: [
      "When the agent runs in a container and creates sandboxes next to it: the host paths of its workspace and",
      "dynamic-tools mounts (found by inspecting its own container when empty).",
    ],
  },
  HOST_DYNAMIC_TOOLS_DIR: {
    section: "sandbox",
    type: "path",
    default: "",
    description: [],
  },
  AGENT_IN_CONTAINER: {
    section: "sandbox",
    type: "boolean",
    default: "",
    description: [
      "Set to 1 when running in a container that has no /.dockerenv (container defaults for the paths above).",
      "Compose: 1.",
    ],
  },
  MAX_STEPS: {
    section: "limits",
    type: "integer",
    default: "30",
    description: ["LLM requests per turn before the agent stops and asks (exit 3 in print mode)."],
    parse: { schema: wholeNumber(1, 1000), accepted: "a whole number from 1 to 1000" },
  },
  TOOL_MODE: {
    section: "limits",
    type: "choice",
    default: "calls",
    description: [
      "How the model uses tools (ADR 017): calls (one tool call per request), code (only run_code: TypeScript in",
      "the sandbox calling every tool, approved skill and artifacts as functions; the API goes in the system",
      "prompt) or both.",
    ],
    parse: { schema: z.enum(["calls", "code", "both"]), accepted: "calls, code or both" },
  },
  HISTORY_BUDGET_TOKENS: {
    section: "limits",
    type: "integer",
    default: "",
    description: [
      "A cap on the conversation's tokens below what the context window allows (older turns are dropped beyond",
      "it). Empty: the window minus room for the answer, the system prompt and the tools.",
    ],
    parse: { schema: wholeNumber(1_000, 2_000_000), accepted: "a whole number from 1000 to 2000000" },
  },
  COMPACT_AT_PERCENT: {
    section: "limits",
    type: "integer",
    default: "80",
    description: [
      "Compact the conversation (summarise older turns with the model, keep recent ones verbatim) when a request",
      "would fill this percent of the room the window leaves for the prompt. 0: never (older turns are dropped).",
    ],
    parse: { schema: wholeNumber(0, 95), accepted: "a whole number from 0 (never) to 95" },
  },
  INSTRUCTIONS_MAX_BYTES: {
    section: "limits",
    type: "integer",
    default: "32768",
    description: [
      "Most bytes of project instructions (AGENTS.md, else CLAUDE.md, from the workspace up to the git root, and",
      "$DATA_DIR/AGENTS.md) added to the system prompt; what is cut is said in the banner and /context.",
    ],
    parse: { schema: wholeNumber(0, 1_048_576), accepted: "a whole number of bytes from 0 to 1048576" },
  },
  CHECKPOINTS: {
    section: "limits",
    type: "boolean",
    default: "true",
    description: [
      "Snapshot the workspace before every turn into a shadow git repository under $DATA_DIR/checkpoints, so",
      "/undo and /rewind can restore files (needs git; respects .gitignore; skips node_modules, .venv, big files).",
    ],
    parse: { schema: booleanSchema, accepted: "true or false" },
  },
  SHELL_TIMEOUT_SECONDS: {
    section: "limits",
    type: "integer",
    default: "120",
    description: ["shell tool: default timeout, and the most the model may ask for, in seconds."],
    parse: { schema: wholeNumber(1, 86_400), accepted: "a whole number of seconds" },
  },
  SHELL_MAX_TIMEOUT_SECONDS: {
    section: "limits",
    type: "integer",
    default: "600",
    description: [],
    parse: { schema: wholeNumber(1, 86_400), accepted: "a whole number of seconds" },
  },
  NO_COLOR: {
    section: "terminal",
    type: "text",
    default: "",
    description: ["Any value turns colour and the status line off."],
  },
  DOCKER_GID: {
    section: "compose",
    type: "integer",
    default: "0",
    description: [
      "Group id of /var/run/docker.sock, so the non-root agent container may create sandboxes. Linux:",
      "stat -c %g /var/run/docker.sock (Docker Desktop: 0). A wrong one: the agent names the right one at start.",
    ],
  },
  AGENT_WORKSPACE: {
    section: "compose",
    type: "path",
    default: "./workspace",
    description: [
      "Host folders mounted into the agent: the workspace, the dynamic tools, and the folder holding mcp.json",
      "(mounted as a folder, so /reload sees edits from editors that replace the file).",
    ],
  },
  AGENT_DYNAMIC_TOOLS: {
    section: "compose",
    type: "path",
    default: "./dynamic-tools",
    description: [],
  },
  AGENT_CONFIG: {
    section: "compose",
    type: "path",
    default: "./config",
    description: [],
  },
  REDIS_PASSWORD: {
    section: "compose",
    type: "key",
    default: "",
    description: [
      "Password of the redis service of the redis profile (docker compose --profile redis ...); put it in STORE_URL",
      "too. Empty: no password (the redis service is on the Compose network only, never on a host port).",
    ],
    secret: true,
  },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
