// The sandbox is where every tool runs: a process (local) or a hardened container (docker) running the
// toolhost, an MCP server on stdio. A launcher starts it and hands the hub a transport to talk MCP over.

import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import type { NodeProgramRunner } from "./node-program.js";

export type SandboxKind = "docker" | "local";

/** A running toolhost: the MCP transport to it and a way to learn that it went away. */
export interface SandboxHandle {
  /** MCP transport over the toolhost's stdio. Not yet started: the MCP client's `connect()` starts it. */
  transport: Transport;
  /** A line for the user and the model describing where the tools run ("local process 1234", "container abc"). */
  description: string;
}

/** What the model reads after an install_dependency call. */
export interface InstallAnswer {
  text: string;
  isError: boolean;
}

/** Runs install_dependency outside the sandbox, for a sandbox that cannot reach a registry itself. */
export interface DependencyInstaller {
  /**
   * Validates `args` (install_dependency's arguments) and installs into the workspace. Never throws: bad
   * arguments, a refused spec, a failed or cancelled (`signal`) install are answers with `isError`.
   */
  install(args: Record<string, unknown>, signal: AbortSignal): Promise<InstallAnswer>;
}

export interface SandboxLauncher {
  readonly kind: SandboxKind;
  /** Runs isolated node programs (skills) next to the sandbox: their own container, or a local process. */
  readonly programs: NodeProgramRunner;
  /**
   * Answers install_dependency on the agent's side (docker: the sandbox has no network, so a networked install
   * container of the same image does it); absent when the toolhost installs by itself (local). The hub's
   * InstallDependencyTools routes the calls here.
   */
  readonly installer?: DependencyInstaller;
  /**
   * Starts a fresh toolhost (the previous one, if any, is stopped first). Throws a `SandboxError` with an
   * actionable message when it cannot (image missing, docker socket unreachable, toolhost not built).
   */
  launch(): Promise<SandboxHandle>;
  /**
   * Problems that will keep the tools from working (no access to Docker, no image, a workspace the sandbox's
   * user cannot write), each one line naming the fix; [] when none is found. Takes a few seconds at most and
   * never throws: the REPL says at start what the first turn would otherwise fail on.
   */
  check(): Promise<string[]>;
  /** Stops the toolhost and every process it started. Idempotent; must not throw. */
  dispose(): Promise<void>;
  /**
   * For each path the agent trusts, whether code in the sandbox could write it (it lies in a directory the
   * sandbox mounts writable). The local sandbox is no boundary, so nothing is reported there: all false.
   */
  sandboxCanWrite(paths: readonly string[]): Promise<boolean[]>;
}

/** The sandbox could not be started or was lost. */
export class SandboxError extends namedError("SandboxError") {
  constructor(
    message: string,
    readonly options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
