// The create options of a sandbox container: the hardening every sandbox gets (toolhost and install alike),
// the labels that name its session and owner, and an environment built from scratch (no secret can be in it).
import type { ContainerCreateOptions } from "dockerode";
import type { OwnerIdentity } from "./owner-identity.js";

/** Label every container this agent creates carries; stale cleanup and the e2e test select by it. */
export const SANDBOX_LABEL = "ts-coding-agent.sandbox";
export const SESSION_LABEL = "ts-coding-agent.session";
/** The random per-process id of the agent that owns the container (see owner-identity.ts, docker-stale.ts). */
export const OWNER_LABEL = "ts-coding-agent.owner";
/** `<boot id>:<pid namespace>:<pid>:<start ticks>` of the owning process, when known. */
export const OWNER_PROCESS_LABEL = "ts-coding-agent.owner-process";
/** The container the owning agent runs in, when it runs in one. */
export const OWNER_CONTAINER_LABEL = "ts-coding-agent.owner-container";
/** The owner's pid, for people reading `docker ps`; never used to decide anything. */
export const OWNER_PID_LABEL = "ts-coding-agent.owner-pid";
export const ROLE_LABEL = "ts-coding-agent.role";

/** Where the mounts appear inside every sandbox. */
export const SANDBOX_WORKSPACE = "/workspace";
export const SANDBOX_DYNAMIC_TOOLS = "/dynamic-tools";
export const SANDBOX_HOME = "/home/sandbox";
/** The toolhost's entry in the agent image (Dockerfile). */
export const TOOLHOST_ENTRY = "/app/mcp-servers/toolhost/dist/main.js";

/** Resource limits, from config.sandbox. */
export interface SandboxLimits {
  /** Memory limit in MiB (swap is not allowed on top). */
  memoryMb: number;
  /** CPUs, fractional allowed. */
  cpus: number;
  /** Most processes (threads count) in the container: stops fork bombs. */
  pidsLimit: number;
}

export interface SandboxContainerOptions {
  /** What the container is for: the session's toolhost, one install_dependency run, or one skill run. */
  role: "toolhost" | "install" | "skill";
  /** Image holding the toolhost and the tools (bash, git, python3, node). */
  image: string;
  /** Container name (unique per daemon). */
  name: string;
  /** The agent session the container belongs to. */
  sessionId: string;
  /** The owning agent process. */
  owner: OwnerIdentity;
  /** Owning agent's pid, as a separate label for people reading `docker ps`. */
  ownerPid: number;
  /** Bind sources as the daemon sees them: host paths or volume names (a skill's container has none). */
  mounts: { workspace?: string; dynamicTools?: string };
  /** Docker network: `none` unless configured. */
  network: string;
  /** `uid:gid` the processes run as (never 0). */
  user: { uid: number; gid: number };
  /** Resource limits. */
  limits: SandboxLimits;
  /** The command (argv); the image's entrypoint is bypassed. */
  cmd: string[];
  /** Variables added to the base environment (never secrets). */
  extraEnv?: Record<string, string>;
  /** Size of the /tmp tmpfs, in MiB (counts against the memory limit). */
  tmpMb?: number;
}

/** PATH, HOME and LANG only: the sandbox never sees the agent's environment. */
export function sandboxEnvironment(extra: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: SANDBOX_HOME,
    LANG: "C.UTF-8",
    TMPDIR: "/tmp",
    ...extra,
  };
  return Object.entries(base).map(([key, value]) => `${key}=${value}`);
}

/** The full create options; every hardening setting is visible in `docker inspect`. */
export function sandboxContainerSpec(options: SandboxContainerOptions): ContainerCreateOptions {
  const { uid, gid } = options.user;
  if (uid === 0) throw new Error("sandboxContainerSpec: refusing to run a sandbox as root");
  const binds =
    options.mounts.workspace === undefined ? [] : [`${options.mounts.workspace}:${SANDBOX_WORKSPACE}:rw`];
  if (options.mounts.dynamicTools !== undefined) {
    binds.push(`${options.mounts.dynamicTools}:${SANDBOX_DYNAMIC_TOOLS}:rw`);
  }
  const memory = options.limits.memoryMb * 1024 * 1024;
  return {
    name: options.name,
    Image: options.image,
    // The image's entrypoint (the agent CLI) must not run here: the command is exactly ours.
    Entrypoint: [],
    Cmd: options.cmd,
    User: `${uid}:${gid}`,
    WorkingDir: options.mounts.workspace === undefined ? "/tmp" : SANDBOX_WORKSPACE,
    Env: sandboxEnvironment(options.extraEnv),
    Labels: {
      [SANDBOX_LABEL]: "1",
      [SESSION_LABEL]: options.sessionId,
      [OWNER_LABEL]: options.owner.instance,
      ...(options.owner.process ? { [OWNER_PROCESS_LABEL]: options.owner.process } : {}),
      ...(options.owner.container ? { [OWNER_CONTAINER_LABEL]: options.owner.container } : {}),
      [OWNER_PID_LABEL]: String(options.ownerPid),
      [ROLE_LABEL]: options.role,
    },
    // MCP over the attached stdio: no port, no TTY (a TTY would mangle the JSON lines).
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    NetworkDisabled: options.network === "none",
    HostConfig: {
      Binds: binds,
      NetworkMode: options.network,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      Tmpfs: {
        "/tmp": `rw,nosuid,nodev,size=${options.tmpMb ?? 256}m,mode=1777`,
        [SANDBOX_HOME]: `rw,nosuid,nodev,size=256m,uid=${uid},gid=${gid},mode=0700`,
      },
      PidsLimit: options.limits.pidsLimit,
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: Math.round(options.limits.cpus * 1e9),
      Init: true,
      AutoRemove: false,
      Privileged: false,
      IpcMode: "private",
      LogConfig: { Type: "none", Config: {} },
    },
  };
}
