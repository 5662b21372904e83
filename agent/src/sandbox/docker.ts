// The docker sandbox launcher: one hardened container per session from SANDBOX_IMAGE, running the toolhost as
// its main process with MCP over the attached stdio; only the workspace and dynamic-tools directories are mounted.
import { randomBytes } from "node:crypto";
import { mkdir, stat } from "node:fs/promises";
import type { InstallRun } from "@ts-coding-agent/toolhost";
import Dockerode from "dockerode";
import { type Logger, silentLogger } from "../log/logger.js";
import {
  SANDBOX_DYNAMIC_TOOLS,
  SANDBOX_WORKSPACE,
  type SandboxContainerOptions,
  type SandboxLimits,
  sandboxContainerSpec,
  TOOLHOST_ENTRY,
} from "./docker-container-spec.js";
import { dockerFailure } from "./docker-errors.js";
import { forgetAtExit, removeAtExit } from "./docker-exit-hook.js";
import { type AgentPlace, detectAgentPlace, resolveBindSources } from "./docker-host-paths.js";
import { createDockerInstaller, runInstallContainer } from "./docker-install.js";
import { DockerNodeProgramRunner } from "./docker-node-program.js";
import { removeStaleSandboxes } from "./docker-stale.js";
import { ContainerTransport } from "./docker-transport.js";
import {
  type DependencyInstaller,
  SandboxError,
  type SandboxHandle,
  type SandboxLauncher,
} from "./launcher.js";
import { type OwnerIdentity, ownIdentity } from "./owner-identity.js";
import { sandboxCanWrite } from "./sandbox-writable.js";
import { workspaceAccessProblem } from "./workspace-access.js";

/** How long check() waits for each answer from Docker. */
const CHECK_TIMEOUT_MS = 5_000;

/** The user a sandbox runs as when the workspace belongs to root: the image's `node` user. */
const FALLBACK_USER = { uid: 1000, gid: 1000 };

export interface DockerLauncherOptions {
  /** Image with the toolhost (the agent image). */
  image: string;
  /** The workspace as the agent sees it. */
  workspace: string;
  /** The dynamic-tools directory as the agent sees it; mounted read-write when given. */
  dynamicToolsDir?: string;
  /** Host path (or volume name) of the workspace, overriding the lookup in the agent's own mounts. */
  hostWorkspaceDir?: string;
  /** Host path (or volume name) of the dynamic-tools directory. */
  hostDynamicToolsDir?: string;
  /** The sandbox's network; `none` cuts it off. */
  network: string;
  /** install_dependency's network when the sandbox's is `none`. */
  installNetwork: string;
  /** install_dependency accepts URL specs. */
  installAllowUrls: boolean;
  /** Memory, CPU and pids limits. */
  limits: SandboxLimits;
  /** shell's default timeout in seconds. */
  shellTimeoutSeconds?: number;
  /** shell's longest timeout in seconds (also bounds an install). */
  shellMaxTimeoutSeconds?: number;
  /** Session id for labels and names; random when absent. */
  sessionId?: string;
  /** Docker client; default from DOCKER_HOST or /var/run/docker.sock. */
  docker?: Dockerode;
  /** Where this process runs; detected when absent. */
  place?: AgentPlace;
  /** Who owns the containers (labels); this process when absent. */
  owner?: OwnerIdentity;
  /** Receives events and the toolhost's stderr at debug level. */
  logger?: Logger;
}

export class DockerLauncher implements SandboxLauncher {
  readonly kind = "docker" as const;
  readonly programs: DockerNodeProgramRunner;
  /** install_dependency in a networked install container (the sandbox itself has no network). */
  readonly installer: DependencyInstaller;
  /** Labels and names of this launcher's containers use it. */
  readonly sessionId: string;
  private readonly docker: Dockerode;
  private readonly place: AgentPlace;
  private readonly owner: OwnerIdentity;
  private readonly logger: Logger;
  private current: ContainerTransport | undefined;
  private currentId: string | undefined;
  private stale: Promise<number> | undefined;
  private sources: Promise<string[]> | undefined;
  private launches = 0;
  private socketPath: string | undefined;
  /** Aborted by dispose(): installs end with the sandbox they install for. */
  private installs = new AbortController();

  constructor(private readonly options: DockerLauncherOptions) {
    this.docker = options.docker ?? new Dockerode();
    this.place = options.place ?? detectAgentPlace();
    this.owner = options.owner ?? ownIdentity(this.place.kind === "container" ? this.place.id : undefined);
    this.logger = options.logger ?? silentLogger;
    this.sessionId = options.sessionId ?? randomBytes(4).toString("hex");
    this.programs = new DockerNodeProgramRunner({
      docker: this.docker,
      image: options.image,
      sessionId: this.sessionId,
      owner: this.owner,
      limits: options.limits,
      failure: (error, doing) => this.failure(error, doing),
    });
    this.installer = createDockerInstaller(
      (argv, signal) => this.runInstall(argv, signal),
      options.installAllowUrls,
    );
    // Without DOCKER_HOST dockerode picks the socket on first use (the user's Docker Desktop one, or
    // /var/run/docker.sock); error messages name the one it picked.
    const modem = this.docker.modem as { getSocketPath?: () => unknown };
    void Promise.resolve(modem.getSocketPath?.()).then(
      (path) => {
        if (typeof path === "string") this.socketPath = path;
      },
      () => undefined,
    );
  }

  /** Id of the running sandbox container, if any. */
  get containerId(): string | undefined {
    return this.currentId;
  }

  /** Removes sandboxes whose agent is gone (once per launcher; later calls return the same count). */
  removeStale(): Promise<number> {
    this.stale ??= removeStaleSandboxes(this.docker, this.owner, { logger: this.logger });
    return this.stale;
  }

  async launch(): Promise<SandboxHandle> {
    await this.stopToolhost();
    await this.removeStale();
    const common = await this.containerBase();
    const name = `tca-sandbox-${this.sessionId}-${++this.launches}`;
    const spec = sandboxContainerSpec({
      ...common,
      role: "toolhost",
      name,
      network: this.options.network,
      cmd: ["/usr/local/bin/node", TOOLHOST_ENTRY, ...this.toolhostFlags()],
    });
    let container: Dockerode.Container;
    try {
      container = await this.docker.createContainer(spec);
    } catch (error) {
      throw this.failure(error, "creating the sandbox container");
    }
    const id = container.id;
    const socketPath = (this.docker.modem as { socketPath?: unknown }).socketPath;
    const transport = new ContainerTransport({
      container,
      label: `the sandbox container ${name}`,
      logger: this.logger,
      onRemoved: () => {
        forgetAtExit(id);
        if (this.currentId === id) this.currentId = undefined;
      },
    });
    // Starting happens in the MCP client's connect(); a failure there must still name the fix.
    const start = transport.start.bind(transport);
    transport.start = async () => {
      try {
        await start();
      } catch (error) {
        throw this.failure(error, "starting the sandbox container");
      }
    };
    removeAtExit(id, typeof socketPath === "string" ? socketPath : undefined);
    this.current = transport;
    this.currentId = id;
    this.logger.info({ container: name, network: this.options.network }, "sandbox container created");
    return {
      transport,
      description: `container ${name} (${this.options.image}, network ${this.options.network})`,
    };
  }

  async check(): Promise<string[]> {
    const within = <T>(promise: Promise<T>) => boundedCall(promise, CHECK_TIMEOUT_MS);
    try {
      await within(this.docker.ping());
    } catch (error) {
      return [this.failure(error, "connecting to Docker").message];
    }
    const problems: string[] = [];
    try {
      await within(this.docker.getImage(this.options.image).inspect());
    } catch (error) {
      problems.push(this.failure(error, "looking up the sandbox image").message);
    }
    const sources = await within(this.bindSources()).catch(() => [] as string[]);
    const hostPath = sources[0]?.startsWith("/") ? sources[0] : undefined;
    const user = await this.sandboxUser();
    const access = await workspaceAccessProblem(this.options.workspace, user, hostPath);
    if (access !== undefined) problems.push(access);
    return problems;
  }

  /** Stops the toolhost and any install still running. */
  async dispose(): Promise<void> {
    this.installs.abort();
    this.installs = new AbortController();
    await this.stopToolhost();
  }

  /** Stops the toolhost container; installs go on (a relaunch after a crash must not cancel them). */
  private async stopToolhost(): Promise<void> {
    const transport = this.current;
    this.current = undefined;
    await transport?.close().catch(() => undefined);
  }

  async sandboxCanWrite(paths: readonly string[]): Promise<boolean[]> {
    const sources = (await this.bindSources()).filter((source): source is string => source !== undefined);
    try {
      return await sandboxCanWrite(this.docker, this.place, sources, paths);
    } catch (error) {
      throw this.failure(error, "inspecting the agent's own container");
    }
  }

  /** What the toolhost and install containers share: image, labels, mounts, user and limits. */
  private async containerBase(): Promise<Omit<SandboxContainerOptions, "role" | "cmd" | "name" | "network">> {
    const [workspace, dynamicTools] = await this.bindSources();
    if (workspace === undefined) throw new SandboxError("Docker sandbox: no workspace to mount.");
    return {
      image: this.options.image,
      sessionId: this.sessionId,
      owner: this.owner,
      ownerPid: process.pid,
      mounts: { workspace, ...(dynamicTools === undefined ? {} : { dynamicTools }) },
      user: await this.sandboxUser(),
      limits: this.options.limits,
    };
  }

  /**
   * Runs an install's argv in a fresh install container on a network that reaches registries (the sandbox's
   * own when it has one); stopped by `signal` or by dispose(). Never throws.
   */
  private async runInstall(argv: string[], signal: AbortSignal): Promise<InstallRun> {
    let base: Awaited<ReturnType<DockerLauncher["containerBase"]>>;
    try {
      base = await this.containerBase();
    } catch (error) {
      return {
        exitCode: null,
        output: "",
        failure: this.failure(error, "preparing the install container").message,
      };
    }
    const network = this.options.network === "none" ? this.options.installNetwork : this.options.network;
    const options = {
      ...base,
      network,
      timeoutSeconds: this.options.shellMaxTimeoutSeconds ?? 600,
      allowUrls: this.options.installAllowUrls,
    };
    return runInstallContainer(this.docker, options, argv, AbortSignal.any([signal, this.installs.signal]));
  }

  private toolhostFlags(): string[] {
    const flags = ["--workspace", SANDBOX_WORKSPACE];
    if (this.options.dynamicToolsDir !== undefined) flags.push("--dynamic-tools", SANDBOX_DYNAMIC_TOOLS);
    if (this.options.shellTimeoutSeconds !== undefined) {
      flags.push("--shell-timeout", String(this.options.shellTimeoutSeconds));
    }
    if (this.options.shellMaxTimeoutSeconds !== undefined) {
      flags.push("--shell-max-timeout", String(this.options.shellMaxTimeoutSeconds));
    }
    return flags;
  }

  /** Host paths (or volume names) behind the workspace and dynamic-tools directories; looked up once. */
  private bindSources(): Promise<string[]> {
    const { workspace, dynamicToolsDir, hostWorkspaceDir, hostDynamicToolsDir } = this.options;
    this.sources ??= (async () => {
      const isDirectory = await stat(workspace).then(
        (info) => info.isDirectory(),
        () => false,
      );
      if (!isDirectory && hostWorkspaceDir === undefined) {
        throw new SandboxError(
          `The workspace ${workspace} is not a directory; create it or pass --workspace DIR.`,
        );
      }
      // On a host, a missing bind source would be created by the daemon, owned by root: create it ourselves.
      if (dynamicToolsDir !== undefined && this.place.kind === "host" && hostDynamicToolsDir === undefined) {
        await mkdir(dynamicToolsDir, { recursive: true });
      }
      const requests = [
        { agentPath: workspace, explicit: hostWorkspaceDir, variable: "HOST_WORKSPACE_DIR" },
        ...(dynamicToolsDir === undefined
          ? []
          : [
              {
                agentPath: dynamicToolsDir,
                explicit: hostDynamicToolsDir,
                variable: "HOST_DYNAMIC_TOOLS_DIR",
              },
            ]),
      ].map(({ explicit, ...rest }) => (explicit === undefined ? rest : { ...rest, explicit }));
      try {
        return await resolveBindSources(this.docker, this.place, requests);
      } catch (error) {
        if (SandboxError.isInstance(error)) throw error;
        throw this.failure(error, "inspecting the agent's own container");
      }
    })();
    // A failure (daemon down) is not cached: the next launch looks again.
    this.sources.catch(() => {
      this.sources = undefined;
    });
    return this.sources;
  }

  /** The workspace owner, so files the model writes belong to the user; the image's user when root owns it. */
  private async sandboxUser(): Promise<{ uid: number; gid: number }> {
    const info = await stat(this.options.workspace).catch(() => undefined);
    if (info === undefined || info.uid === 0) return FALLBACK_USER;
    return { uid: info.uid, gid: info.gid === 0 ? FALLBACK_USER.gid : info.gid };
  }

  private failure(error: unknown, doing: string): SandboxError {
    if (SandboxError.isInstance(error)) return error;
    return dockerFailure(error, doing, {
      socketPath: this.socketPath ?? "the Docker socket",
      image: this.options.image,
      network: this.options.network,
      inContainer: this.place.kind === "container",
    });
  }
}

/** `promise`, or a rejection after `ms` (the daemon may hang rather than refuse). */
function boundedCall<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
