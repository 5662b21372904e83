// Dynamic tools on a shared store. The toolhost runs in a sandbox with no network, so the agent carries tools
// both ways: it reads the sandbox's dynamic-tools folder (never following a symlink) and pushes new or changed
// tools to the store with a versioned write, and installs tools other agents pushed through the toolhost's own
// create_tool. The agent never writes into the folder the sandbox can write (ADR 011, ADR 019).
import { createHash } from "node:crypto";
import { LocalStore } from "./local-store.js";
import { type Store, StoreConflictError, type StoredItem } from "./store.js";

/** A tool as create_tool takes it. */
export interface SharedTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  code: string;
}

export interface ToolSyncOptions {
  /** The shared store. */
  store: Store;
  /** The dynamic-tools folder as the agent sees it: only ever read. */
  directory: string;
  /** Installs a tool in the sandbox (create_tool with overwrite through the toolhost). Throws on failure. */
  install: (tool: SharedTool) => Promise<void>;
  /** Where failures are reported (the log). Must not throw. */
  logError: (message: string) => void;
  /** Period of the folder scan, in ms (default 500). */
  pollMs?: number;
}

export class ToolSync {
  private readonly folder: LocalStore;
  /** Per tool: the content key and store version this agent last agreed with the store on. */
  private readonly synced = new Map<string, { key: string; version: string }>();
  private queue: Promise<void> = Promise.resolve();
  private readonly stops: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: ToolSyncOptions) {
    this.folder = new LocalStore({ dynamicToolsDir: options.directory, pollMs: options.pollMs ?? 500 });
  }

  /** Brings both sides level (store tools missing here are installed, local ones pushed), then follows both. */
  async start(): Promise<void> {
    this.stops.push(
      this.options.store.watch((change) => {
        if (change.kind === "tool" && change.version !== null) this.schedule(() => this.pull(change.name));
      }),
      this.folder.watch((change) => {
        if (change.kind === "tool" && change.version !== null) this.schedule(() => this.push(change.name));
      }),
    );
    await this.schedule(async () => {
      for (const item of await this.options.store.list("tool")) await this.pull(item.name);
      for (const item of this.folder.readNow("tool")) await this.push(item.name);
    });
  }

  /** Pushes one tool now (after create_tool succeeded), rather than at the next folder scan. */
  pushNow(name: string): Promise<void> {
    return this.schedule(() => this.push(name));
  }

  /** Waits for the work queued so far (tests and shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  close(): void {
    this.closed = true;
    for (const stop of this.stops.splice(0)) stop();
  }

  private schedule(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await task();
      } catch (error) {
        this.options.logError(`tool sync: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    this.queue = run;
    return run;
  }

  /** Installs the store's version of `name` here unless this folder already holds the same tool. */
  private async pull(name: string): Promise<void> {
    const item = await this.options.store.get("tool", name);
    if (!item) return;
    const shared = toShared(item);
    if (!shared) {
      this.options.logError(`tool sync: the shared tool "${name}" is malformed; not installed`);
      return;
    }
    const key = contentKey(shared);
    const here = await this.folder.get("tool", name);
    const local = here ? toShared(here) : undefined;
    if (!local || contentKey(local) !== key) await this.options.install(shared);
    this.synced.set(name, { key, version: item.version });
  }

  /** Pushes this folder's `name` if it differs from what was last agreed; on a conflict the store wins. */
  private async push(name: string): Promise<void> {
    const here = await this.folder.get("tool", name).catch(() => undefined);
    const local = here ? toShared(here) : undefined;
    if (!here || !local) return; // half-written or broken: the toolhost reports it; nothing to share
    const key = contentKey(local);
    const agreed = this.synced.get(name);
    if (agreed?.key === key) return;
    try {
      const version = await this.options.store.put("tool", name, here.files, {
        expected: agreed?.version ?? null,
      });
      this.synced.set(name, { key, version });
    } catch (error) {
      if (!StoreConflictError.isInstance(error)) throw error;
      // Another agent wrote this tool first: theirs is the tool now, here too.
      await this.pull(name);
    }
  }
}

/** tool.json + index.ts as create_tool's arguments, or undefined when tool.json is not a tool manifest. */
function toShared(item: StoredItem): SharedTool | undefined {
  const code = item.files["index.ts"];
  if (code === undefined) return undefined;
  try {
    const manifest = JSON.parse(item.files["tool.json"] ?? "") as Record<string, unknown>;
    const { description, parameters } = manifest;
    if (manifest.name !== item.name || typeof description !== "string") return undefined;
    if (parameters === null || typeof parameters !== "object" || Array.isArray(parameters)) return undefined;
    return { name: item.name, description, parameters: parameters as Record<string, unknown>, code };
  } catch {
    return undefined;
  }
}

/** What makes two copies the same tool: not tool.json's createdAt, which each install sets anew. */
function contentKey(tool: SharedTool): string {
  return createHash("sha256")
    .update(JSON.stringify([tool.name, tool.description, tool.parameters, tool.code]))
    .digest("hex");
}
