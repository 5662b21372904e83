// python-mcp's entry point: persistent Python kernels over Streamable HTTP (port 50052 by default).
// Kernel limits come from PYTHON_* variables; SIGTERM kills every kernel's process group before exiting.
// Started as root (compose gives it only SETUID and SETGID), it first becomes the workspace's owner.

import { statSync } from "node:fs";
import { createLogger, KitConfigError, runFromEnv } from "@ts-coding-agent/mcp-kit";
import { z } from "zod";
import { KernelPool } from "./kernel-pool.js";
import { pythonTools } from "./python-tools.js";

const limits = z.object({
  PYTHON_MAX_KERNELS: z.coerce.number().int().min(1).max(64).default(4),
  PYTHON_KERNEL_IDLE_SECONDS: z.coerce.number().int().min(1).default(1800),
  PYTHON_WORKDIR: z.string().min(1).optional(),
  PYTHON_BIN: z.string().min(1).default("python3"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

const parsed = limits.safeParse(process.env);
if (!parsed.success) {
  const issue = parsed.error.issues[0];
  const variable = String(issue?.path[0] ?? "PYTHON_*");
  const error = new KitConfigError(`${variable} is invalid (${issue?.message}); fix or unset it`, variable);
  createLogger("python-mcp").fatal(error.message);
  process.exit(2);
}

/** The image's user, when root owns the workspace (as the docker sandbox does). */
const FALLBACK_OWNER = { uid: 1000, gid: 1000 };

/**
 * As root, become the owner of `workdir` (files the kernels write belong to the user, and no kernel runs as
 * root); the capabilities go with the uid change. Not root: nothing to do.
 */
function becomeWorkspaceOwner(workdir: string | undefined): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let owner = FALLBACK_OWNER;
  try {
    const info = workdir === undefined ? undefined : statSync(workdir);
    if (info !== undefined && info.uid !== 0)
      owner = { uid: info.uid, gid: info.gid === 0 ? 1000 : info.gid };
  } catch {
    // No workspace to look at: the image's user.
  }
  process.setgroups?.([owner.gid]);
  process.setgid?.(owner.gid);
  process.setuid?.(owner.uid);
  return owner;
}

const owner = becomeWorkspaceOwner(parsed.data.PYTHON_WORKDIR);
if (owner !== undefined)
  createLogger("python-mcp", parsed.data.LOG_LEVEL).info(owner, "running as the workspace owner");

const pool = new KernelPool({
  maxKernels: parsed.data.PYTHON_MAX_KERNELS,
  idleMs: parsed.data.PYTHON_KERNEL_IDLE_SECONDS * 1000,
  cwd: parsed.data.PYTHON_WORKDIR,
  python: parsed.data.PYTHON_BIN,
  logger: createLogger("python-mcp", parsed.data.LOG_LEVEL),
});

await runFromEnv({
  name: "python-mcp",
  version: "0.1.0",
  serviceName: "python-mcp",
  defaultPort: 50052,
  registerTools: pythonTools(pool),
  onShutdown: () => pool.shutdownAll(),
});
