// python-mcp's entry point: persistent Python kernels over Streamable HTTP (port 50052 by default).
// Kernel limits come from PYTHON_* variables; SIGTERM kills every kernel's process group before exiting.

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
