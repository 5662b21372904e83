// The server's Python kernels by owner and id: each owner (an MCP session) sees only its own kernels, its own
// default made on first use and more made by python_reset; one cap on how many run at once across owners, idle
// ones reaped, and every process group killed on shutdown or process exit.

import { randomBytes } from "node:crypto";
import type { Logger } from "@ts-coding-agent/mcp-kit";
import { KernelError } from "./kernel-error.js";
import { type KernelSpawnOptions, PythonKernel } from "./python-kernel.js";

export const DEFAULT_KERNEL_ID = "default";
/** The owner of kernels used without naming one (a pool used by one client). */
export const NO_OWNER = "";

export interface KernelPoolOptions extends KernelSpawnOptions {
  /** Most kernels alive at once (PYTHON_MAX_KERNELS, default 4). */
  maxKernels?: number;
  /** Kernels idle this long are shut down (PYTHON_KERNEL_IDLE_SECONDS, default 1800 s). */
  idleMs?: number;
  /** Where start, reap and shutdown lines go. */
  logger?: Logger;
}

/** One line about a kernel for python_status. */
export interface KernelSummary {
  /** The kernel's id. */
  kernel_id: string;
  /** True while its process runs. */
  alive: boolean;
  /** True while it runs a cell. */
  busy: boolean;
  /** Seconds since its last call finished. */
  idle_seconds: number;
}

/** Map key of a kernel: its owner and its id. */
function keyOf(owner: string, id: string): string {
  return `${owner}\u0000${id}`;
}

export class KernelPool {
  /** Kernels by keyOf(owner, id). */
  readonly #kernels = new Map<string, { owner: string; kernel: PythonKernel }>();
  /** Kernels being started, so two first calls share one start. */
  readonly #starting = new Map<string, Promise<PythonKernel>>();
  /** Why a kernel went away without being asked to (reaped, died), told once on its next use; by key. */
  readonly #notices = new Map<string, string>();
  readonly #reaper: NodeJS.Timeout;
  readonly #maxKernels: number;
  readonly #idleMs: number;
  readonly #onExit = () => {
    for (const { kernel } of this.#kernels.values()) kernel.killNow();
  };

  constructor(private readonly options: KernelPoolOptions = {}) {
    this.#maxKernels = options.maxKernels ?? 4;
    this.#idleMs = options.idleMs ?? 1_800_000;
    const period = Math.max(1000, Math.min(60_000, Math.floor(this.#idleMs / 2)));
    this.#reaper = setInterval(() => void this.reapIdle(Date.now()), period);
    this.#reaper.unref();
    // Last resort for a crash: no kernel outlives the server.
    process.on("exit", this.#onExit);
  }

  /** The owner's running kernel with this id (default: its default kernel, started on first use), and any notice. */
  async acquire(
    id: string = DEFAULT_KERNEL_ID,
    owner: string = NO_OWNER,
  ): Promise<{ kernel: PythonKernel; notice?: string }> {
    const key = keyOf(owner, id);
    const existing = this.#kernels.get(key)?.kernel;
    if (existing?.alive) return { kernel: existing, notice: this.#takeNotice(key) };
    if (existing !== undefined) {
      // It died (os._exit, a crash, the OOM killer): start it again under the same id and say so.
      this.#kernels.delete(key);
      existing.killNow(); // processes the dead kernel started may still hold its group
      this.#notices.set(
        key,
        `kernel '${id}' had stopped (${existing.exitDescription}) and was restarted; earlier variables are gone`,
      );
      return { kernel: await this.#start(id, owner), notice: this.#takeNotice(key) };
    }
    if (id !== DEFAULT_KERNEL_ID && !this.#notices.has(key)) {
      throw new KernelError(
        `No kernel '${id}'. Call python_reset without kernel_id to create one, or omit kernel_id to use the default kernel (kernels: ${this.ids(owner).join(", ") || "none"})`,
        "not-found",
        id,
      );
    }
    if (id !== DEFAULT_KERNEL_ID) {
      const notice = this.#takeNotice(key);
      throw new KernelError(
        `${notice}. Call python_reset without kernel_id to create a new kernel`,
        "not-found",
        id,
      );
    }
    return { kernel: await this.#start(id, owner), notice: this.#takeNotice(key) };
  }

  /** The owner's kernel if it exists, without starting anything. */
  peek(id: string = DEFAULT_KERNEL_ID, owner: string = NO_OWNER): PythonKernel | undefined {
    return this.#kernels.get(keyOf(owner, id))?.kernel;
  }

  /** Starts a new kernel for the owner under a fresh id. Throws KernelError("limit") at the cap. */
  async create(owner: string = NO_OWNER): Promise<PythonKernel> {
    return this.#start(`k-${randomBytes(4).toString("hex")}`, owner);
  }

  /** Kills and starts again the owner's kernel with this id (the default one may not exist yet). */
  async restart(id: string, owner: string = NO_OWNER): Promise<PythonKernel> {
    const key = keyOf(owner, id);
    const existing = this.#kernels.get(key)?.kernel;
    // A reaped or dead kernel's id may be restarted; an id never seen may not.
    if (existing === undefined && id !== DEFAULT_KERNEL_ID && !this.#notices.has(key)) {
      throw new KernelError(
        `No kernel '${id}' (kernels: ${this.ids(owner).join(", ") || "none"})`,
        "not-found",
        id,
      );
    }
    if (existing !== undefined) await existing.kill();
    this.#kernels.delete(key);
    this.#notices.delete(key);
    return this.#start(id, owner);
  }

  /** Shuts one of the owner's kernels down. Throws KernelError("not-found") for an unknown id. */
  async shutdown(id: string, owner: string = NO_OWNER): Promise<void> {
    const key = keyOf(owner, id);
    const kernel = this.#kernels.get(key)?.kernel;
    if (kernel === undefined) {
      throw new KernelError(
        `No kernel '${id}' (kernels: ${this.ids(owner).join(", ") || "none"})`,
        "not-found",
        id,
      );
    }
    this.#kernels.delete(key);
    await kernel.kill();
    this.options.logger?.info({ kernelId: id }, "kernel shut down");
  }

  /** Shuts down every kernel of an owner (its session ended). */
  async shutdownOwner(owner: string): Promise<void> {
    const mine = [...this.#kernels].filter(([, entry]) => entry.owner === owner);
    for (const [key] of mine) {
      this.#kernels.delete(key);
      this.#notices.delete(key);
    }
    await Promise.all(mine.map(([, entry]) => entry.kernel.kill()));
  }

  /** Ids of the owner's kernels. */
  ids(owner: string = NO_OWNER): string[] {
    return this.#owned(owner).map((k) => k.id);
  }

  list(now = Date.now(), owner: string = NO_OWNER): KernelSummary[] {
    return this.#owned(owner).map((k) => ({
      kernel_id: k.id,
      alive: k.alive,
      busy: k.busy,
      idle_seconds: Math.round((now - k.lastUsed) / 1000),
    }));
  }

  get maxKernels(): number {
    return this.#maxKernels;
  }

  /** Shuts down kernels idle for longer than the idle limit (never a busy one). */
  async reapIdle(now: number): Promise<void> {
    for (const [key, { kernel }] of [...this.#kernels]) {
      if (kernel.busy || now - kernel.lastUsed <= this.#idleMs) continue;
      this.#kernels.delete(key);
      this.#notices.set(
        key,
        `kernel '${kernel.id}' was shut down after ${Math.round(this.#idleMs / 1000)} s idle; its variables are gone`,
      );
      this.options.logger?.info({ kernelId: kernel.id }, "idle kernel reaped");
      await kernel.kill();
    }
  }

  /** Kills every kernel and stops the reaper (server shutdown). */
  async shutdownAll(): Promise<void> {
    clearInterval(this.#reaper);
    process.off("exit", this.#onExit);
    const kernels = [...this.#kernels.values()].map((entry) => entry.kernel);
    this.#kernels.clear();
    await Promise.all(kernels.map((k) => k.kill()));
  }

  #owned(owner: string): PythonKernel[] {
    return [...this.#kernels.values()].filter((entry) => entry.owner === owner).map((entry) => entry.kernel);
  }

  async #start(id: string, owner: string): Promise<PythonKernel> {
    const key = keyOf(owner, id);
    const pending = this.#starting.get(key);
    if (pending !== undefined) return pending;
    if (this.#kernels.size + this.#starting.size >= this.#maxKernels) {
      throw new KernelError(
        `Kernel limit reached (${this.#maxKernels} running${owner === NO_OWNER ? `: ${this.ids().join(", ")}` : ", some of them other sessions'"}). Call python_shutdown on one you no longer need, or reuse one with python_reset {kernel_id}`,
        "limit",
      );
    }
    const start = PythonKernel.start(id, this.options).then((kernel) => {
      this.#kernels.set(key, { owner, kernel });
      this.options.logger?.info({ kernelId: id, pid: kernel.pid }, "kernel started");
      return kernel;
    });
    this.#starting.set(key, start);
    try {
      return await start;
    } finally {
      this.#starting.delete(key);
    }
  }

  #takeNotice(key: string): string | undefined {
    const notice = this.#notices.get(key);
    this.#notices.delete(key);
    return notice;
  }
}
