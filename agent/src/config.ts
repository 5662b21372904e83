// Every environment variable and command-line flag the agent reads, validated in one place.
// A bad value throws a ConfigError whose one-line message names the variable, the value and what is accepted.
import { existsSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { OllamaSettings } from "./llm/chat-model.js";
import { DEFAULT_CONTEXT_WINDOW } from "./llm/context-window.js";
import { envPrefix, type Provider, providersFileSchema, resolveProviders } from "./llm/providers.js";

export type SandboxKind = "docker" | "local";

export type RunMode =
  | { kind: "repl" }
  | { kind: "print"; task: string; json: boolean }
  | { kind: "keys-rotate" }
  | { kind: "doctor" }
  /** `agent store export|import <path>`: copy the library between the configured store and a folder or file. */
  | { kind: "store"; action: "export" | "import"; path: string }
  | { kind: "help" }
  | { kind: "version" };

export interface Config {
  mode: RunMode;
  workspaceDir: string;
  dataDir: string;
  keystorePath: string;
  /** PROVIDERS_FILE, or `$DATA_DIR/providers.json` (which need not exist). */
  providersFile: string;
  sessionsDir: string;
  dynamicToolsDir: string;
  skillsDir: string;
  playbooksDir: string;
  /** STORE_URL: the shared library on Redis (redis:// or rediss://); absent: the local folders. */
  storeUrl?: string;
  /** mcp.json path, and whether the user named it (a named file must exist). */
  mcpConfig: { path: string; explicit: boolean };
  sandbox: {
    kind: SandboxKind;
    image: string;
    network: string;
    memoryMb: number;
    cpus: number;
    pidsLimit: number;
    /** Host path of the workspace when the agent itself runs in a container (for sibling bind mounts). */
    hostWorkspaceDir?: string;
    hostDynamicToolsDir?: string;
    /** Network of install_dependency's short-lived containers when the sandbox's own is `none`. */
    installNetwork: string;
    /** install_dependency accepts http(s) URLs as package specs. */
    installAllowUrls: boolean;
  };
  shell: { timeoutSeconds: number; maxTimeoutSeconds: number };
  maxSteps: number;
  /** HISTORY_BUDGET_TOKENS: a cap on the history below what the context window allows; absent: no cap. */
  historyBudgetTokens?: number;
  /** Long sessions: compaction, project instructions and checkpoints. */
  longSessions: {
    /** COMPACT_AT_PERCENT: compact when a request would fill this percent of the prompt's room; 0: never. */
    compactAtPercent: number;
    /** INSTRUCTIONS_MAX_BYTES: most bytes of AGENTS.md/CLAUDE.md text added to the system prompt. */
    instructionsMaxBytes: number;
    /** CHECKPOINTS: snapshot the workspace before every turn (for /undo and /rewind). */
    checkpoints: boolean;
  };
  llm: {
    timeoutMs: number;
    maxRetries: number;
    /** LLM_MAX_RESPONSE_SECONDS: the longest one response may stream. */
    maxResponseMs: number;
    /** CONTEXT_WINDOW: the window assumed when the server does not report the model's. */
    contextWindow: number;
    ollama: OllamaSettings;
  };
  providers: Provider[];
  /** Provider to start with, and a model for it when given with --model. */
  provider: string;
  model?: string;
  /** `<KEYNAME>_API_KEY` values from the environment, by key name. */
  envKeys: Record<string, string>;
  /** LLM_MASTER_KEY; absent means the keystore is disabled. */
  masterKey?: string;
  /** LLM_NEW_MASTER_KEY: the key `agent keys rotate` re-encrypts under (else it asks on a TTY). */
  newMasterKey?: string;
  /** Session to resume: an id, or "latest". */
  resume?: string;
  log: { level: LogLevel; file: string };
}

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** A bad flag or variable: the CLI prints the message and exits 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  static isInstance(error: unknown): error is ConfigError {
    return error instanceof Error && error.name === "ConfigError";
  }
}

const flagSpec = {
  print: { type: "string", short: "p" },
  json: { type: "boolean" },
  workspace: { type: "string" },
  provider: { type: "string" },
  model: { type: "string" },
  "max-steps": { type: "string" },
  sandbox: { type: "string" },
  "mcp-config": { type: "string" },
  resume: { type: "string" },
  version: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
} as const;

/** The repository (or image) root: agent/src/config.ts → ../.. ; agent/dist/config.js → ../.. */
export const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function loadConfig(argv: readonly string[], env: Record<string, string | undefined>): Config {
  const flags = parseFlags(argv);
  const inContainer = env.AGENT_IN_CONTAINER === "1" || existsSync("/.dockerenv");
  const dataDir = path(env, "DATA_DIR", inContainer ? "/data" : defaultHostDataDir(env));
  const mode: RunMode = flags.help
    ? { kind: "help" }
    : flags.version
      ? { kind: "version" }
      : flags.positionals[0] === "keys"
        ? { kind: "keys-rotate" }
        : flags.positionals[0] === "doctor"
          ? { kind: "doctor" }
          : flags.positionals[0] === "store"
            ? storeMode(flags.positionals)
            : flags.print !== undefined
              ? { kind: "print", task: flags.print, json: flags.json ?? false }
              : { kind: "repl" };
  if (flags.print !== undefined && flags.print.trim() === "") {
    throw new ConfigError('Invalid --print "": give the task, e.g. agent -p "add a README".');
  }
  if (flags.json && mode.kind !== "print") throw new ConfigError("--json works with --print only.");

  const providersFile = readProvidersFile(env, dataDir);
  const stream = parse("LLM_STREAM", env.LLM_STREAM, booleanSchema, "true or false", true);
  const providers = resolveProviders(env, providersFile, stream);
  const names = providers.map((p) => p.name);
  const provider = flags.provider ?? (env.LLM_PROVIDER || "ollama");
  if (!names.includes(provider)) {
    const source = flags.provider !== undefined ? "--provider" : "LLM_PROVIDER";
    throw new ConfigError(`Invalid ${source}="${provider}": expected one of ${names.join(", ")}.`);
  }

  const sandboxKind = pick(
    flags.sandbox,
    "--sandbox",
    env.SANDBOX,
    "SANDBOX",
    z.enum(["docker", "local"]),
    "docker or local",
    "local",
  );
  const maxSteps = pick(
    flags["max-steps"],
    "--max-steps",
    env.MAX_STEPS,
    "MAX_STEPS",
    wholeNumber(1, 1000),
    "a whole number from 1 to 1000",
    30,
  );
  const mcpPath = flags["mcp-config"] ?? (env.MCP_CONFIG || undefined);
  const envKeys: Record<string, string> = {};
  for (const p of providers) {
    const value = env[`${envPrefix(p.keyName)}_API_KEY`];
    if (value) envKeys[p.keyName] = value;
  }
  // The LiteLLM proxy's master key is what the agent authenticates with, unless LITELLM_API_KEY says otherwise.
  if (!envKeys.litellm && env.LITELLM_MASTER_KEY) envKeys.litellm = env.LITELLM_MASTER_KEY;
  const masterKey = env.LLM_MASTER_KEY || undefined;
  if (masterKey !== undefined && masterKey.length < 12) {
    throw new ConfigError(
      "Invalid LLM_MASTER_KEY: expected at least 12 characters (a long random passphrase).",
    );
  }

  const config: Config = {
    mode,
    workspaceDir: resolve(
      flags.workspace ?? (env.WORKSPACE_DIR || (inContainer ? "/workspace" : process.cwd())),
    ),
    dataDir,
    keystorePath: path(env, "KEYSTORE_PATH", join(dataDir, "keys.enc")),
    providersFile: env.PROVIDERS_FILE ? resolve(env.PROVIDERS_FILE) : join(dataDir, "providers.json"),
    sessionsDir: join(dataDir, "sessions"),
    dynamicToolsDir: path(env, "DYNAMIC_TOOLS_DIR", join(dataDir, "dynamic-tools")),
    skillsDir: path(env, "SKILLS_DIR", join(appRoot, "skills")),
    playbooksDir: path(env, "PLAYBOOKS_DIR", join(appRoot, "playbooks")),
    ...optional("storeUrl", storeUrl(env.STORE_URL)),
    mcpConfig: { path: resolve(mcpPath ?? "mcp.json"), explicit: mcpPath !== undefined },
    sandbox: {
      kind: sandboxKind,
      image: env.SANDBOX_IMAGE || "ts-coding-agent:latest",
      network: parse(
        "SANDBOX_NETWORK",
        env.SANDBOX_NETWORK,
        z.string().regex(/^[\w.-]+$/),
        "a Docker network name such as none or bridge",
        "none",
      ),
      memoryMb: parse(
        "SANDBOX_MEMORY_MB",
        env.SANDBOX_MEMORY_MB,
        wholeNumber(64, 65_536),
        "a whole number of megabytes from 64 to 65536",
        1024,
      ),
      cpus: parse(
        "SANDBOX_CPUS",
        env.SANDBOX_CPUS,
        z
          .string()
          .regex(/^\d+(\.\d+)?$/)
          .transform(Number)
          .pipe(z.number().min(0.1).max(64)),
        "a number of CPUs from 0.1 to 64",
        1,
      ),
      pidsLimit: parse(
        "SANDBOX_PIDS_LIMIT",
        env.SANDBOX_PIDS_LIMIT,
        wholeNumber(16, 32_768),
        "a whole number from 16 to 32768",
        256,
      ),
      installNetwork: parse(
        "SANDBOX_INSTALL_NETWORK",
        env.SANDBOX_INSTALL_NETWORK,
        z.string().regex(/^[\w.-]+$/),
        "a Docker network name such as bridge",
        "bridge",
      ),
      installAllowUrls: parse(
        "INSTALL_ALLOW_URLS",
        env.INSTALL_ALLOW_URLS,
        booleanSchema,
        "true or false",
        false,
      ),
      ...(env.HOST_WORKSPACE_DIR ? { hostWorkspaceDir: env.HOST_WORKSPACE_DIR } : {}),
      ...(env.HOST_DYNAMIC_TOOLS_DIR ? { hostDynamicToolsDir: env.HOST_DYNAMIC_TOOLS_DIR } : {}),
    },
    shell: {
      timeoutSeconds: parse(
        "SHELL_TIMEOUT_SECONDS",
        env.SHELL_TIMEOUT_SECONDS,
        wholeNumber(1, 86_400),
        "a whole number of seconds",
        120,
      ),
      maxTimeoutSeconds: parse(
        "SHELL_MAX_TIMEOUT_SECONDS",
        env.SHELL_MAX_TIMEOUT_SECONDS,
        wholeNumber(1, 86_400),
        "a whole number of seconds",
        600,
      ),
    },
    maxSteps,
    ...optional(
      "historyBudgetTokens",
      parse(
        "HISTORY_BUDGET_TOKENS",
        env.HISTORY_BUDGET_TOKENS,
        wholeNumber(1_000, 2_000_000),
        "a whole number from 1000 to 2000000",
        undefined,
      ),
    ),
    longSessions: {
      compactAtPercent: parse(
        "COMPACT_AT_PERCENT",
        env.COMPACT_AT_PERCENT,
        wholeNumber(0, 95),
        "a whole number from 0 (never) to 95",
        80,
      ),
      instructionsMaxBytes: parse(
        "INSTRUCTIONS_MAX_BYTES",
        env.INSTRUCTIONS_MAX_BYTES,
        wholeNumber(0, 1_048_576),
        "a whole number of bytes from 0 to 1048576",
        32_768,
      ),
      checkpoints: parse("CHECKPOINTS", env.CHECKPOINTS, booleanSchema, "true or false", true),
    },
    llm: {
      timeoutMs:
        1000 *
        parse(
          "LLM_TIMEOUT_SECONDS",
          env.LLM_TIMEOUT_SECONDS,
          wholeNumber(1, 3_600),
          "a whole number of seconds from 1 to 3600",
          300,
        ),
      maxRetries: parse(
        "LLM_MAX_RETRIES",
        env.LLM_MAX_RETRIES,
        wholeNumber(0, 10),
        "a whole number from 0 to 10",
        3,
      ),
      maxResponseMs:
        1000 *
        parse(
          "LLM_MAX_RESPONSE_SECONDS",
          env.LLM_MAX_RESPONSE_SECONDS,
          wholeNumber(10, 86_400),
          "a whole number of seconds from 10 to 86400",
          900,
        ),
      contextWindow: parse(
        "CONTEXT_WINDOW",
        env.CONTEXT_WINDOW,
        wholeNumber(2_048, 10_000_000),
        "a whole number of tokens from 2048 to 10000000",
        DEFAULT_CONTEXT_WINDOW,
      ),
      ollama: {
        numCtxCap: parse(
          "OLLAMA_NUM_CTX",
          env.OLLAMA_NUM_CTX,
          wholeNumber(2_048, 10_000_000),
          "a whole number of tokens from 2048 to 10000000",
          32_768,
        ),
        ...optional(
          "think",
          parse(
            "OLLAMA_THINK",
            env.OLLAMA_THINK,
            z
              .enum(["true", "false", "low", "medium", "high"])
              .transform((v) => (v === "true" ? true : v === "false" ? false : v)),
            "true, false, low, medium or high",
            undefined,
          ),
        ),
        ...optional(
          "keepAlive",
          parse(
            "OLLAMA_KEEP_ALIVE",
            env.OLLAMA_KEEP_ALIVE,
            z.string().regex(/^(-1|\d+(\.\d+)?(ms|s|m|h)?)$/),
            "a duration such as 30m, 1h or 300 (seconds), or -1 to keep the model loaded",
            undefined,
          ),
        ),
      },
    },
    providers,
    provider,
    ...(flags.model ? { model: flags.model } : {}),
    envKeys,
    ...(masterKey ? { masterKey } : {}),
    ...(env.LLM_NEW_MASTER_KEY ? { newMasterKey: env.LLM_NEW_MASTER_KEY } : {}),
    ...(flags.resume !== undefined ? { resume: flags.resume } : {}),
    log: {
      level: parse(
        "LOG_LEVEL",
        env.LOG_LEVEL,
        z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
        "fatal, error, warn, info, debug, trace or silent",
        "info",
      ),
      file: path(
        env,
        "LOG_FILE",
        join(inContainer ? join(dataDir, "logs") : join(tmpdir(), "ts-coding-agent"), "agent.log"),
      ),
    },
  };
  if (config.shell.timeoutSeconds > config.shell.maxTimeoutSeconds) {
    throw new ConfigError(
      `Invalid SHELL_TIMEOUT_SECONDS=${config.shell.timeoutSeconds}: expected at most SHELL_MAX_TIMEOUT_SECONDS (${config.shell.maxTimeoutSeconds}).`,
    );
  }
  return config;
}

interface ParsedFlags {
  print?: string;
  json?: boolean;
  workspace?: string;
  provider?: string;
  model?: string;
  "max-steps"?: string;
  sandbox?: string;
  "mcp-config"?: string;
  resume?: string;
  version?: boolean;
  help?: boolean;
  positionals: string[];
}

function parseFlags(argv: readonly string[]): ParsedFlags {
  // `--resume` takes an optional value, which parseArgs cannot express: give it an explicit one.
  const args = argv.flatMap((arg, i) => {
    if (arg !== "--resume") return [arg];
    const next = argv[i + 1];
    return next === undefined || next.startsWith("-") ? ["--resume=latest"] : [arg];
  });
  let parsed: ReturnType<typeof parseArgs<{ options: typeof flagSpec; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: flagSpec, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new ConfigError(`${message.replace(/\. To specify.*$/, "")}. Run agent --help for usage.`);
  }
  const positionals = parsed.positionals;
  const isKeysRotate = positionals.length === 2 && positionals[0] === "keys" && positionals[1] === "rotate";
  const isDoctor = positionals.length === 1 && positionals[0] === "doctor";
  const isStore = positionals[0] === "store";
  if (positionals.length > 0 && !isKeysRotate && !isDoctor && !isStore) {
    throw new ConfigError(
      `Unexpected argument "${positionals.join(" ")}". Give a task with -p "task", or run agent --help.`,
    );
  }
  return { ...parsed.values, positionals };
}

function storeMode(positionals: string[]): RunMode {
  const [, action, target, ...rest] = positionals;
  if ((action !== "export" && action !== "import") || !target || rest.length > 0) {
    throw new ConfigError(
      "Usage: agent store export <dir or file.json> | agent store import <dir or file.json>. Run agent --help.",
    );
  }
  if (target.includes("\0")) throw new ConfigError("Invalid path: a path cannot contain a NUL character.");
  return { kind: "store", action, path: resolve(target) };
}

/** STORE_URL: undefined when unset; a redis:// or rediss:// URL with a host, else a ConfigError. */
function storeUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = raw.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "redis:" && url.protocol !== "rediss:") || url.hostname === "") {
    const shown = url?.password ? value.replace(url.password, "***") : value;
    throw new ConfigError(
      `Invalid STORE_URL="${shown}": expected redis://[user:password@]host[:port][/db] or rediss://..., or empty for the local folders.`,
    );
  }
  return value;
}

const booleanSchema = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no"]))
  .transform((v) => v === "true" || v === "1" || v === "yes");

function wholeNumber(min: number, max: number) {
  return z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));
}

/** `{ [key]: value }` when the value is set, else `{}` (for optional fields under exactOptionalPropertyTypes). */
function optional<K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: T };
}

function parse<T>(
  name: string,
  raw: string | undefined,
  schema: z.ZodType<T, string>,
  accepted: string,
  fallback: T,
): T {
  if (raw === undefined || raw === "") return fallback;
  const result = schema.safeParse(raw.trim());
  if (!result.success) throw new ConfigError(`Invalid ${name}="${raw}": expected ${accepted}.`);
  return result.data;
}

function pick<T>(
  flag: string | undefined,
  flagName: string,
  envValue: string | undefined,
  envName: string,
  schema: z.ZodType<T, string>,
  accepted: string,
  fallback: T,
): T {
  if (flag !== undefined) {
    const result = schema.safeParse(flag.trim());
    if (!result.success) throw new ConfigError(`Invalid ${flagName} "${flag}": expected ${accepted}.`);
    return result.data;
  }
  return parse(envName, envValue, schema, accepted, fallback);
}

function path(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (value.includes("\0")) throw new ConfigError(`Invalid ${name}: a path cannot contain a NUL character.`);
  return resolve(value);
}

function defaultHostDataDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share");
  return join(base, "ts-coding-agent");
}

function readProvidersFile(env: Record<string, string | undefined>, dataDir: string) {
  const explicit = env.PROVIDERS_FILE;
  const file = explicit ? resolve(explicit) : join(dataDir, "providers.json");
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError(`Invalid PROVIDERS_FILE="${explicit}": the file does not exist.`);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Invalid providers file ${file}: not valid JSON (${reason}).`);
  }
  const result = providersFileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join(".") || "(top level)";
    throw new ConfigError(
      `Invalid providers file ${file} at ${where}: ${issue?.message}. Expected {"providers": {"name": {"baseURL": "...", "model": "..."}}}.`,
    );
  }
  return result.data;
}
