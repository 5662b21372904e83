// The dynamic tools of one toolhost: loads every dynamic-tools/<name>/ at start, creates new ones for
// create_tool, follows the folder on disk (reload on change, drop on removal) and keeps why a tool failed.
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ProcessGroups } from "../process-groups.js";
import { ToolInputError, type ToolOutcome } from "../tool-descriptor.js";
import { compileToolCode } from "./compile-tool.js";
import {
  type ArgumentValidator,
  checkParametersSchema,
  createArgumentValidator,
  type JsonSchema,
} from "./parameters-schema.js";
import { runDynamicTool } from "./run-tool.js";
import { DYNAMIC_TOOLS_STATUS_URI, type DynamicToolsStatus } from "./status.js";
import type { ContextOperation } from "./tool-context.js";
import { readToolFolder, sha256Of, type ToolFolder, writeToolFolder } from "./tool-files.js";
import { toolNameProblem } from "./tool-name.js";
import { ToolWatcher } from "./tool-watcher.js";

/** Most dynamic tools one toolhost loads (the hub offers at most 100 tools per server, built-ins included). */
export const MAX_DYNAMIC_TOOLS = 64;
const MAX_DESCRIPTION_CHARS = 1000;

export interface DynamicToolsOptions {
  /** The dynamic-tools folder (created when missing). */
  directory: string;
  /** The toolhost's MCP server: tools are registered on it, and the status resource. */
  server: McpServer;
  /** Serves the tools' ctx requests. */
  operations: ContextOperation;
  /** Every tool process group is registered here so the toolhost's shutdown kills it. */
  processGroups: ProcessGroups;
  /** A call's time limit in seconds (the shell's default timeout). */
  timeoutSeconds: number;
  /** True for the names of the toolhost's built-in tools. */
  isBuiltin: (name: string) => boolean;
  /** Where unexpected problems are reported (stderr in the toolhost). */
  logError: (message: string) => void;
  /** Watcher timings (tests). */
  watch?: { debounceMs?: number; intervalMs?: number };
}

/** What create_tool asks for. */
export interface CreateToolRequest {
  /** snake_case name. */
  name: string;
  /** What the tool does, for the model. */
  description: string;
  /** JSON Schema of the arguments. */
  parameters: unknown;
  /** TypeScript or JavaScript module source. */
  code: string;
  /** Replace an existing dynamic tool of that name. */
  overwrite: boolean;
}

interface LoadedTool {
  fingerprint: string;
  compiledFile: string;
  validate: ArgumentValidator;
  registered: RegisteredTool;
}

type LoadOutcome = { ok: true } | { ok: false; reason: string };

export class DynamicTools {
  private readonly loaded = new Map<string, LoadedTool>();
  private readonly problems = new Map<string, string>();
  private readonly closing = new AbortController();
  private cacheDirectory: string | undefined;
  private watcher: ToolWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DynamicToolsOptions) {
    // Registered now: the SDK only accepts new capabilities before the server is connected.
    options.server.registerResource(
      "dynamic-tools-status",
      DYNAMIC_TOOLS_STATUS_URI,
      {
        description: "Dynamic tools loaded and failed (reading it rescans the folder)",
        mimeType: "application/json",
      },
      async (uri) => ({
        contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(await this.sync()) }],
      }),
    );
  }

  /** Loads every tool on disk and starts watching. Call once, before connecting the server. */
  async start(): Promise<void> {
    await mkdir(this.options.directory, { recursive: true });
    // Compiled modules live outside the workspace and dynamic-tools/, where only the toolhost writes.
    this.cacheDirectory = mkdtempSync(path.join(tmpdir(), "toolhost-dynamic-"));
    await this.rescan();
    this.watcher = new ToolWatcher({
      directory: this.options.directory,
      onChange: () => void this.rescan(),
      logError: this.options.logError,
      ...this.options.watch,
    });
    this.watcher.follow(this.loaded.keys());
  }

  /** Rescans the folder, then reports what is loaded and what failed. Never throws. */
  async sync(): Promise<DynamicToolsStatus> {
    await this.rescan();
    return this.status();
  }

  status(): DynamicToolsStatus {
    return {
      loaded: [...this.loaded.keys()].sort(),
      problems: [...this.problems]
        .map(([name, reason]) => ({ name, reason }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    };
  }

  /** Writes a new tool (or replaces one with overwrite) and loads it now. Throws ToolInputError. */
  async create(request: CreateToolRequest): Promise<string> {
    const { name, overwrite } = request;
    const nameProblem = toolNameProblem(name, this.options.isBuiltin);
    if (nameProblem !== undefined) throw new ToolInputError(nameProblem);
    const description = request.description.trim();
    if (description.length === 0 || description.length > MAX_DESCRIPTION_CHARS) {
      throw new ToolInputError(`description must be 1 to ${MAX_DESCRIPTION_CHARS} characters.`);
    }
    const schema = await checkParametersSchema(request.parameters);
    if (!schema.ok) throw new ToolInputError(schema.message);
    const compiled = await compileToolCode(name, request.code);
    if (!compiled.ok) throw new ToolInputError(compiled.message);
    return this.exclusive(async () => {
      const names = await this.folderNames();
      const exists = names.includes(name);
      if (exists && !overwrite) {
        throw new ToolInputError(
          `A dynamic tool named ${name} already exists; pass overwrite: true to replace it, or choose another name.`,
        );
      }
      if (!exists && names.length >= MAX_DYNAMIC_TOOLS) {
        throw new ToolInputError(
          `There are already ${MAX_DYNAMIC_TOOLS} dynamic tools; overwrite one instead.`,
        );
      }
      const manifest = {
        name,
        description,
        parameters: schema.schema,
        sha256: sha256Of(request.code),
        createdAt: new Date().toISOString(),
      };
      await writeToolFolder(this.options.directory, manifest, request.code);
      const reason = await this.load(name);
      if (reason !== undefined) throw new ToolInputError(`${name} was saved but does not load: ${reason}`);
      this.watcher?.follow(this.loaded.keys());
      const verb = exists ? "Replaced" : "Created";
      return `${verb} the tool ${name} (saved in dynamic-tools/${name}/). It is available now: call ${name} with arguments matching its parameters.`;
    });
  }

  /** Stops watching and removes the compiled modules. Running calls are killed by the toolhost. */
  close(): void {
    this.closing.abort();
    this.watcher?.close();
    if (this.cacheDirectory !== undefined) rmSync(this.cacheDirectory, { recursive: true, force: true });
  }

  /** Brings the loaded tools in line with the folder. Never throws. */
  private rescan(): Promise<void> {
    return this.exclusive(async () => {
      if (this.closing.signal.aborted) return;
      const names = await this.folderNames().catch((error: unknown) => {
        this.options.logError(`toolhost: cannot read ${this.options.directory}: ${(error as Error).message}`);
        return undefined;
      });
      if (names === undefined) return;
      for (const name of [...this.loaded.keys(), ...this.problems.keys()]) {
        if (!names.includes(name)) this.unload(name);
      }
      for (const name of names) await this.load(name);
      this.watcher?.follow(this.loaded.keys());
    }).catch((error: unknown) => {
      this.options.logError(`toolhost: rescanning dynamic tools failed: ${(error as Error).stack}`);
    });
  }

  private async folderNames(): Promise<string[]> {
    const entries = await readdir(this.options.directory, { withFileTypes: true });
    // Hidden entries are create_tool's temp folders and editors' files.
    return entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
      .map((entry) => entry.name);
  }

  /** (Re)loads one tool folder when it changed; returns why it failed, or undefined. Call inside exclusive(). */
  private async load(name: string): Promise<string | undefined> {
    const read = await readToolFolder(this.options.directory, name);
    if (read.ok && this.loaded.get(name)?.fingerprint === read.folder.fingerprint) return undefined;
    const outcome = read.ok
      ? await this.prepare(name, read.folder)
      : { ok: false as const, reason: read.message };
    if (!outcome.ok) {
      this.unload(name);
      this.problems.set(name, outcome.reason);
      return outcome.reason;
    }
    this.problems.delete(name);
    return undefined;
  }

  private async prepare(name: string, folder: ToolFolder): Promise<LoadOutcome> {
    const nameProblem = toolNameProblem(name, this.options.isBuiltin);
    if (nameProblem !== undefined) return { ok: false, reason: nameProblem };
    const { manifest, code } = folder;
    const actual = sha256Of(code);
    if (actual !== manifest.sha256) {
      return {
        ok: false,
        reason: `index.ts has sha256 ${actual} but tool.json records ${manifest.sha256}; re-create the tool with create_tool (overwrite: true), or, if you edited index.ts on purpose, put the new sha256 in tool.json`,
      };
    }
    const schema = await checkParametersSchema(manifest.parameters);
    if (!schema.ok) return { ok: false, reason: schema.message };
    const compiled = await compileToolCode(name, code);
    if (!compiled.ok) return { ok: false, reason: compiled.message };
    if (!this.loaded.has(name) && this.loaded.size >= MAX_DYNAMIC_TOOLS) {
      return { ok: false, reason: `over the limit of ${MAX_DYNAMIC_TOOLS} dynamic tools` };
    }
    const cache = this.cacheDirectory;
    if (cache === undefined) return { ok: false, reason: "the toolhost has not started its dynamic tools" };
    const compiledFile = path.join(cache, `${name}-${folder.fingerprint.slice(0, 16)}.mjs`);
    // Named by the folder's fingerprint: an existing file already holds this very code.
    await writeFile(compiledFile, compiled.javascript, { mode: 0o444, flag: "wx" }).catch(
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      },
    );
    this.unload(name);
    const registered = this.register(name, manifest.description, schema.schema);
    this.loaded.set(name, {
      fingerprint: folder.fingerprint,
      compiledFile,
      validate: await createArgumentValidator(schema.schema),
      registered,
    });
    return { ok: true };
  }

  private unload(name: string): void {
    this.loaded.get(name)?.registered.remove();
    this.loaded.delete(name);
    this.problems.delete(name);
  }

  private register(name: string, description: string, schema: JsonSchema): RegisteredTool {
    // The SDK only takes zod schemas: a loose object lets every argument through to our own JSON Schema
    // check, and its metadata is what tools/list shows, so the model sees the tool's schema unchanged.
    const inputSchema = z.looseObject({}).meta(schema);
    return this.options.server.registerTool(name, { description, inputSchema }, async (args, extra) =>
      toCallResult(await this.call(name, args, extra.signal)),
    );
  }

  private async call(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
    // The files may have changed since the last load (an edit the watcher has not reported yet).
    const reason = await this.exclusive(() => this.load(name));
    const tool = this.loaded.get(name);
    if (reason !== undefined || tool === undefined) {
      return {
        text: `${name} changed on disk and no longer loads: ${reason ?? "its folder is gone"}. Fix it with create_tool (overwrite: true).`,
        isError: true,
      };
    }
    const invalid = tool.validate(args);
    if (invalid !== undefined) {
      return {
        text: `Invalid arguments for ${name}: ${invalid}. Call it again with arguments that match its schema.`,
        isError: true,
      };
    }
    return runDynamicTool({
      name,
      compiledFile: tool.compiledFile,
      args,
      timeoutSeconds: this.options.timeoutSeconds,
      signal: AbortSignal.any([signal, this.closing.signal]),
      operations: this.options.operations,
      processGroups: this.options.processGroups,
    });
  }

  /** Runs `task` after every earlier one: loads, rescans and creates never interleave. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function toCallResult(outcome: ToolOutcome): CallToolResult {
  return { content: [{ type: "text", text: outcome.text }], isError: outcome.isError === true };
}
