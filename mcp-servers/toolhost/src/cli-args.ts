// The toolhost's command line: `--workspace DIR [--dynamic-tools DIR] [--shell-timeout 120]
// [--shell-max-timeout 600]`, parsed with node:util and validated with zod; bad input is a UsageError.

import { parseArgs } from "node:util";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import { z } from "zod";

/** The toolhost's validated options. */
export interface ToolhostArgs {
  /** Workspace root every tool is confined to. */
  workspace: string;
  /** Directory of dynamic tools, if any. */
  dynamicToolsDir?: string;
  /** shell's default timeout in seconds. */
  shellTimeoutSeconds: number;
  /** Largest shell timeout the model may ask for, in seconds. */
  shellMaxTimeoutSeconds: number;
}

export const TOOLHOST_USAGE =
  "usage: toolhost --workspace DIR [--dynamic-tools DIR] [--shell-timeout SECONDS] [--shell-max-timeout SECONDS]";

/** The command line was wrong; main.ts prints the message and the usage to stderr and exits 2. */
export class UsageError extends namedError("UsageError") {}

const seconds = (flag: string) =>
  z
    .string()
    .regex(/^\d+$/, `${flag} must be a whole number of seconds`)
    .transform(Number)
    .refine((value) => value >= 1 && value <= 86_400, `${flag} must be between 1 and 86400 seconds`);

const schema = z
  .object({
    workspace: z.string({ error: "--workspace DIR is required" }).min(1, "--workspace must not be empty"),
    "dynamic-tools": z.string().min(1, "--dynamic-tools must not be empty").optional(),
    "shell-timeout": seconds("--shell-timeout").default(120),
    "shell-max-timeout": seconds("--shell-max-timeout").default(600),
  })
  .refine((args) => args["shell-timeout"] <= args["shell-max-timeout"], {
    message: "--shell-timeout must not be larger than --shell-max-timeout",
  });

/** Parses the toolhost's arguments (without node and the script). Throws a UsageError. */
export function parseToolhostArgs(argv: string[]): ToolhostArgs {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        workspace: { type: "string" },
        "dynamic-tools": { type: "string" },
        "shell-timeout": { type: "string" },
        "shell-max-timeout": { type: "string" },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  }
  const args = parsed.data;
  return {
    workspace: args.workspace,
    ...(args["dynamic-tools"] === undefined ? {} : { dynamicToolsDir: args["dynamic-tools"] }),
    shellTimeoutSeconds: args["shell-timeout"],
    shellMaxTimeoutSeconds: args["shell-max-timeout"],
  };
}
