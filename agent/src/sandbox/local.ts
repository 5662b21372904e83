// The local sandbox launcher: runs the toolhost as a child process of the agent, for development and tests.
// It is no security boundary; it only keeps secrets out (an environment built from scratch) and no strays.
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import type { Logger } from "../log/logger.js";
import { ChildProcessTransport, minimalEnvironment } from "./child-process-transport.js";
import { SandboxError, type SandboxHandle, type SandboxLauncher } from "./launcher.js";
import { LocalNodeProgramRunner } from "./local-node-program.js";
import { resolveToolhostCommand, type ToolhostCommand, type ToolhostFlags } from "./toolhost-command.js";
import { workspaceAccessProblem } from "./workspace-access.js";

export interface LocalLauncherOptions extends ToolhostFlags {
  /** Runs this instead of the toolhost next to the agent's code (tests, a custom toolhost). */
  command?: ToolhostCommand;
  /** Receives the toolhost's stderr at debug level. */
  logger?: Logger;
}

export class LocalLauncher implements SandboxLauncher {
  readonly kind = "local" as const;
  readonly programs = new LocalNodeProgramRunner();
  private current: ChildProcessTransport | undefined;

  constructor(private readonly options: LocalLauncherOptions) {}

  /** Pid of the running toolhost, once its transport has started. */
  get pid(): number | undefined {
    return this.current?.pid;
  }

  async launch(): Promise<SandboxHandle> {
    await this.dispose();
    const { workspace } = this.options;
    const isDirectory = await stat(workspace).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!isDirectory) {
      throw new SandboxError(
        `The workspace ${workspace} is not a directory; create it or pass --workspace DIR.`,
      );
    }
    const { command, args } = this.options.command ?? resolveToolhostCommand(this.options);
    const transport = new ChildProcessTransport({
      command,
      args,
      env: minimalEnvironment(),
      cwd: workspace,
      label: "the toolhost",
      ...(this.options.logger ? { logger: this.options.logger } : {}),
    });
    this.current = transport;
    return { transport, description: `local process in ${workspace} (no isolation)` };
  }

  async check(): Promise<string[]> {
    if (typeof process.getuid !== "function" || typeof process.getgid !== "function") return [];
    const user = { uid: process.getuid(), gid: process.getgid() };
    // access() knows every group this process is in; the owner and mode are only read to explain a refusal.
    if (
      await access(this.options.workspace, constants.W_OK).then(
        () => true,
        () => false,
      )
    )
      return [];
    const problem = await workspaceAccessProblem(this.options.workspace, user);
    return problem === undefined ? [] : [problem];
  }

  /** No boundary to protect: the local shell can write anything the user can (README). */
  async sandboxCanWrite(paths: readonly string[]): Promise<boolean[]> {
    return paths.map(() => false);
  }

  async dispose(): Promise<void> {
    const transport = this.current;
    this.current = undefined;
    await transport?.close().catch(() => undefined);
  }
}
