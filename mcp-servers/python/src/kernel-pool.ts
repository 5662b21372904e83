// The server's Python kernels by id: the default kernel made on first use, more made by python_reset, a cap
// on how many run at once, idle ones reaped, and every process group killed on shutdown or process exit.

import { randomBytes } from "node:crypto";
import type { Logger } from "@ts-coding-agent/mcp-kit";
import { KernelError } from "./kernel-error.js";
import { type KernelSpawnOptions, PythonKernel } from "./python-kernel.js";

export const DEFAULT_KERNEL_ID = "default";

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

export class KernelPool {
  readonly #kernels = new Map<string, PythonKernel>();
  /** Kernels being started, so two first calls share one start. */
  readonly #starting = new Map<string, Promise<PythonKernel>>();
  /** Why a kernel went away without being asked to (reaped, died), told once on its next use. */
  readonly #notices = new Map<string, string>();
  readonly #reaper: NodeJS.Timeout;
  readonly #maxKernels: number;
  readonly #idleMs: number;
  readonly #onExit = () => {
    for (const kernel of this.#kernels.values()) kernel.killNow();
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

  /** The running kernel with this id (default: the default kernel, started on first use), and any notice. */
  async acquire(id: string = DEFAULT_KERNEL_ID): Promise<{ kernel: PythonKernel; notice?: string }> {
    const existing = this.#kernels.get(id);
    if (existing?.alive) return { kernel: existing, notice: this.#takeNotice(id) };
    if (existing !== undefined) {
      // It died (os._exit, a crash, the OOM killer): start it again under the same id and say so.
      this.#kernels.delete(id);
      existing.killNow(); // processes the dead kernel started may still hold its group
      this.#notices.set(
        id,
        `kernel '${id}' had stopped (${existing.exitDescription}) and was restarted; earlier variables are gone`,
      );
      return { kernel: await this.#start(id), notice: this.#takeNotice(id) };
    }
    if (id !== DEFAULT_KERNEL_ID && !this.#notices.has(id)) {
      throw new KernelError(
        `No kernel '${id}'. Call python_reset without kernel_id to create one, or omit kernel_id to use the default kernel (kernels: ${this.ids().join(", ") || "none"})`,
        "not-found",
        id,
      );
    }
    if (id !== DEFAULT_KERNEL_ID) {
      const notice = this.#takeNotice(id);
      throw new KernelError(
        `${notice}. Call python_reset without kernel_id to create a new kernel`,
        "not-found",
        id,
      );
    }
    return { kernel: await this.#start(id), notice: this.#takeNotice(id) };
  }

  /** The kernel if it exists, without starting anything. */
  peek(id: string = DEFAULT_KERNEL_ID): PythonKernel | undefined {
    return this.#kernels.get(id);
  }

  /** Starts a new kernel under a fresh id. Throws KernelError("limit") at the cap. */
  async create(): Promise<PythonKernel> {
    return this.#start(`k-${randomBytes(4).toString("hex")}`);
  }

  /** Kills and starts again the kernel with this id (the default one may not exist yet). */
  async restart(id: string): Promise<PythonKernel> {
    const existing = this.#kernels.get(id);
    // A reaped or dead kernel's id may be restarted; an id never seen may not.
    if (existing === undefined && id !== DEFAULT_KERNEL_ID && !this.#notices.has(id)) {
      throw new KernelError(
        `No kernel '${id}' (kernels: ${this.ids().join(", ") || "none"})`,
        "not-found",
        id,
      );
    }
    if (existing !== undefined) await existing.kill();
    this.#kernels.delete(id);
    this.#notices.delete(id);
    return this.#start(id);
  }

  /** Shuts one kernel down. Throws KernelError("not-found") for an unknown id. */
  async shutdown(id: string): Promise<void> {
    const kernel = this.#kernels.get(id);
    if (kernel === undefined) {
      throw new KernelError(
        `No kernel '${id}' (kernels: ${this.ids().join(", ") || "none"})`,
        "not-found",
        id,
      );
    }
    this.#kernels.delete(id);
    await kernel.kill();
    this.options.logger?.info({ kernelId: id }, "kernel shut down");
  }

  ids(): string[] {
    return [...this.#kernels.keys()];
  }

  list(now = Date.now()): KernelSummary[] {
    return [...this.#kernels.values()].map((k) => ({
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
    for (const kernel of [...this.#kernels.values()]) {
      if (kernel.busy || now - kernel.lastUsed <= this.#idleMs) continue;
      this.#kernels.delete(kernel.id);
      this.#notices.set(
        kernel.id,
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
    const kernels = [...this.#kernels.values()];
    this.#kernels.clear();
    await Promise.all(kernels.map((k) => k.kill()));
  }

  async #start(id: string): Promise<PythonKernel> {
    const pending = this.#starting.get(id);
    if (pending !== undefined) return pending;
    if (this.#kernels.size + this.#starting.size >= this.#maxKernels) {
      throw new KernelError(
        `Kernel limit reached (${this.#maxKernels} running: ${this.ids().join(", ")}). Call python_shutdown on one you no longer need, or reuse one with python_reset {kernel_id}`,
        "limit",
      );
    }
    const start = PythonKernel.start(id, this.options).then((kernel) => {
      this.#kernels.set(id, kernel);
      this.options.logger?.info({ kernelId: id, pid: kernel.pid }, "kernel started");
      return kernel;
    });
    this.#starting.set(id, start);
    try {
      return await start;
    } finally {
      this.#starting.delete(id);
    }
  }

  #takeNotice(id: string): string | undefined {
    const notice = this.#notices.get(id);
    this.#notices.delete(id);
    return notice;
  }
}
