// Every environment variable and command-line flag the agent reads, validated in one place.
// A bad value throws a ConfigError whose one-line message names the variable, the value and what is accepted.

import { existsSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import type { z } from "zod";
import type { ToolMode } from "./code-mode/tool-mode.js";
import { isLongEnoughMasterKey, MASTER_KEY_MIN_LENGTH } from "./keys/master-key.js";
import type { OllamaSettings } from "./llm/chat-model.js";
import { envPrefix, type Provider, providersFileSchema, resolveProviders } from "./llm/providers.js";
import { SETTINGS, type Setting, type SettingName } from "./settings.js";

export type SandboxKind = "docker" | "local";

export type RunMode =
  | { kind: "repl" }
  | { kind: "print"; task: string; json: boolean }
  | { kind: "keys-rotate" }
  | { kind: "doctor" }
  /** `agent store export|import <path>`: copy the library between the configured store and a folder or file. */
  | { kind: "store"; action: "export" | "import"; path: string }
  | { kind: "mcp"; transport: McpServeTransport }
  | { kind: "help" }
  | { kind: "version" };

/** How `agent mcp` serves the platform: one client on stdio, or Streamable HTTP sessions. */
export type McpServeTransport =
  | { kind: "stdio" }
  | {
      kind: "http";
      /** Interface to bind (--host, default 127.0.0.1). */
      host: string;
      /** TCP port (--port, default 50060; 0 picks a free one). */
      port: number;
      /** AGENT_MCP_TOKEN; absent: a token is generated at start (only on a loopback host). */
      token?: string;
    };

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
  /** TOOL_MODE / --tool-mode: tools as calls, run_code only (code mode), or both (ADR 017). */
  toolMode: ToolMode;
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
export class ConfigError extends namedError("ConfigError") {}

const flagSpec = {
  print: { type: "string", short: "p" },
  json: { type: "boolean" },
  workspace: { type: "string" },
  provider: { type: "string" },
  model: { type: "string" },
  "max-steps": { type: "string" },
  "tool-mode": { type: "string" },
  sandbox: { type: "string" },
  "mcp-config": { type: "string" },
  resume: { type: "string" },
  http: { type: "boolean" },
  port: { type: "string" },
  host: { type: "string" },
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
            : flags.positionals[0] === "mcp"
              ? { kind: "mcp", transport: mcpTransport(flags, env) }
              : flags.print !== undefined
                ? { kind: "print", task: flags.print, json: flags.json ?? false }
                : { kind: "repl" };
  if (flags.print !== undefined && flags.print.trim() === "") {
    throw new ConfigError('Invalid --print "": give the task, e.g. agent -p "add a README".');
  }
  if (flags.json && mode.kind !== "print") throw new ConfigError("--json works with --print only.");
  if (mode.kind !== "mcp" && (flags.http || flags.port !== undefined || flags.host !== undefined)) {
    throw new ConfigError("--http, --port and --host work with agent mcp only.");
  }

  const providersFile = readProvidersFile(env, dataDir);
  const stream = setting(env, "LLM_STREAM");
  const providers = resolveProviders(env, providersFile, stream);
  const names = providers.map((p) => p.name);
  const provider = flags.provider ?? (env.LLM_PROVIDER || SETTINGS.LLM_PROVIDER.default);
  if (!names.includes(provider)) {
    const source = flags.provider !== undefined ? "--provider" : "LLM_PROVIDER";
    throw new ConfigError(`Invalid ${source}="${provider}": expected one of ${names.join(", ")}.`);
  }

  const sandboxKind = settingOrFlag(env, "SANDBOX", flags.sandbox, "--sandbox");
  const maxSteps = settingOrFlag(env, "MAX_STEPS", flags["max-steps"], "--max-steps");
  const toolMode = settingOrFlag(env, "TOOL_MODE", flags["tool-mode"], "--tool-mode");
  const mcpPath = flags["mcp-config"] ?? (env.MCP_CONFIG || undefined);
  const envKeys: Record<string, string> = {};
  for (const p of providers) {
    const value = env[`${envPrefix(p.keyName)}_API_KEY`];
    if (value) envKeys[p.keyName] = value;
  }
  // The LiteLLM proxy's master key is what the agent authenticates with, unless LITELLM_API_KEY says otherwise.
  if (!envKeys.litellm && env.LITELLM_MASTER_KEY) envKeys.litellm = env.LITELLM_MASTER_KEY;
  const masterKey = env.LLM_MASTER_KEY || undefined;
  if (masterKey !== undefined && !isLongEnoughMasterKey(masterKey)) {
    throw new ConfigError(
      `Invalid LLM_MASTER_KEY: expected at least ${MASTER_KEY_MIN_LENGTH} characters (a long random passphrase).`,
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
      image: env.SANDBOX_IMAGE || SETTINGS.SANDBOX_IMAGE.default,
      network: setting(env, "SANDBOX_NETWORK"),
      memoryMb: setting(env, "SANDBOX_MEMORY_MB"),
      cpus: setting(env, "SANDBOX_CPUS"),
      pidsLimit: setting(env, "SANDBOX_PIDS_LIMIT"),
      installNetwork: setting(env, "SANDBOX_INSTALL_NETWORK"),
      installAllowUrls: setting(env, "INSTALL_ALLOW_URLS"),
      ...(env.HOST_WORKSPACE_DIR ? { hostWorkspaceDir: env.HOST_WORKSPACE_DIR } : {}),
      ...(env.HOST_DYNAMIC_TOOLS_DIR ? { hostDynamicToolsDir: env.HOST_DYNAMIC_TOOLS_DIR } : {}),
    },
    shell: {
      timeoutSeconds: setting(env, "SHELL_TIMEOUT_SECONDS"),
      maxTimeoutSeconds: setting(env, "SHELL_MAX_TIMEOUT_SECONDS"),
    },
    maxSteps,
    toolMode,
    ...optional("historyBudgetTokens", optionalSetting(env, "HISTORY_BUDGET_TOKENS")),
    longSessions: {
      compactAtPercent: setting(env, "COMPACT_AT_PERCENT"),
      instructionsMaxBytes: setting(env, "INSTRUCTIONS_MAX_BYTES"),
      checkpoints: setting(env, "CHECKPOINTS"),
    },
    llm: {
      timeoutMs: 1000 * setting(env, "LLM_TIMEOUT_SECONDS"),
      maxRetries: setting(env, "LLM_MAX_RETRIES"),
      maxResponseMs: 1000 * setting(env, "LLM_MAX_RESPONSE_SECONDS"),
      contextWindow: setting(env, "CONTEXT_WINDOW"),
      ollama: {
        numCtxCap: setting(env, "OLLAMA_NUM_CTX"),
        ...optional("think", optionalSetting(env, "OLLAMA_THINK")),
        ...optional("keepAlive", optionalSetting(env, "OLLAMA_KEEP_ALIVE")),
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
      level: setting(env, "LOG_LEVEL"),
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
  "tool-mode"?: string;
  sandbox?: string;
  "mcp-config"?: string;
  resume?: string;
  http?: boolean;
  port?: string;
  host?: string;
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
  const isCommand = positionals.length === 1 && ["doctor", "mcp"].includes(positionals[0] ?? "");
  const isStore = positionals[0] === "store";
  if (positionals.length > 0 && !isKeysRotate && !isCommand && !isStore) {
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

/** `{ [key]: value }` when the value is set, else `{}` (for optional fields under exactOptionalPropertyTypes). */
function optional<K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: T };
}

/** The settings loadConfig validates, and the value each validates to. */
type ParsedName = {
  [N in SettingName]: (typeof SETTINGS)[N] extends { parse: object } ? N : never;
}[SettingName];
type ParsedValue<N extends ParsedName> = (typeof SETTINGS)[N] extends { parse: { schema: infer S } }
  ? S extends z.ZodType
    ? z.output<S>
    : never
  : never;

function validate<N extends ParsedName>(name: N, raw: string, shownAs: string): ParsedValue<N> {
  const { schema, accepted } = (SETTINGS[name] as Setting).parse as NonNullable<Setting["parse"]>;
  const result = schema.safeParse(raw.trim());
  if (!result.success) throw new ConfigError(`Invalid ${shownAs}: expected ${accepted}.`);
  return result.data as ParsedValue<N>;
}

/** The variable's value, validated by the table's schema; the table's default when it is unset or empty. */
function setting<N extends ParsedName>(env: Record<string, string | undefined>, name: N): ParsedValue<N> {
  const raw = env[name];
  if (raw !== undefined && raw !== "") return validate(name, raw, `${name}="${raw}"`);
  return validate(name, SETTINGS[name].default, `default of ${name}`);
}

/** As setting, for a variable whose table default is empty: undefined when unset. */
function optionalSetting<N extends ParsedName>(
  env: Record<string, string | undefined>,
  name: N,
): ParsedValue<N> | undefined {
  const raw = env[name];
  return raw === undefined || raw === "" ? undefined : validate(name, raw, `${name}="${raw}"`);
}

/** As setting, with a command-line flag that wins over the variable. */
function settingOrFlag<N extends ParsedName>(
  env: Record<string, string | undefined>,
  name: N,
  flag: string | undefined,
  flagName: string,
): ParsedValue<N> {
  return flag === undefined ? setting(env, name) : validate(name, flag, `${flagName} "${flag}"`);
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

const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"];

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.includes(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `agent mcp [--http [--port N] [--host H]]`, with AGENT_MCP_TOKEN for HTTP. */
function mcpTransport(flags: ParsedFlags, env: Record<string, string | undefined>): McpServeTransport {
  if (!flags.http) {
    if (flags.port !== undefined || flags.host !== undefined) {
      throw new ConfigError("--port and --host need --http: agent mcp --http --port 50060.");
    }
    return { kind: "stdio" };
  }
  const rawPort = flags.port?.trim();
  const port = rawPort === undefined ? 50_060 : /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new ConfigError(`Invalid --port "${flags.port}": expected a port from 0 to 65535.`);
  }
  const host = flags.host ?? "127.0.0.1";
  if (!/^[\w.:[\]-]+$/.test(host)) {
    throw new ConfigError(`Invalid --host "${host}": expected an interface address such as 127.0.0.1.`);
  }
  const token = env.AGENT_MCP_TOKEN || undefined;
  if (token !== undefined && (token.length < 16 || /\s/.test(token))) {
    throw new ConfigError(
      "Invalid AGENT_MCP_TOKEN: expected at least 16 characters without spaces (e.g. openssl rand -hex 24).",
    );
  }
  if (token === undefined && !isLoopbackHost(host)) {
    throw new ConfigError(
      `agent mcp --http --host ${host} listens beyond this machine: set AGENT_MCP_TOKEN to the bearer token clients must send.`,
    );
  }
  return { kind: "http", host, port, ...(token ? { token } : {}) };
}
