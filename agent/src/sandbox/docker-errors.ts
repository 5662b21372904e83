// Turns what dockerode throws (socket missing or refused, image missing, daemon errors) into SandboxErrors
// whose message names the fix, and describes how a sandbox container ended from its inspected state.
import { statSync } from "node:fs";
import { SandboxError } from "./launcher.js";

interface DockerErrorShape {
  code?: unknown;
  statusCode?: unknown;
  reason?: unknown;
  json?: unknown;
  message?: unknown;
}

function shape(error: unknown): DockerErrorShape {
  return typeof error === "object" && error !== null ? (error as DockerErrorShape) : {};
}

/** The daemon's own message ("No such image: ..."), else the error's. */
function daemonMessage(error: unknown): string {
  const { json, message } = shape(error);
  const fromJson = (json as { message?: unknown } | null | undefined)?.message;
  if (typeof fromJson === "string" && fromJson !== "") return fromJson;
  return typeof message === "string" ? message : String(error);
}

/** True when the daemon answered 404 (no such container, image or network). */
export function isNotFound(error: unknown): boolean {
  return shape(error).statusCode === 404;
}

/** True when the daemon answered 409 or 304 (already being removed, already stopped). */
export function isConflict(error: unknown): boolean {
  const status = shape(error).statusCode;
  return status === 409 || status === 304;
}

/**
 * A SandboxError for a failed Docker call made while `doing` ("creating the sandbox container"), naming the
 * fix for the failures a user can fix: no socket, no permission, no daemon, no image, no network.
 */
export function dockerFailure(
  error: unknown,
  doing: string,
  context: { socketPath: string; image: string; network?: string; inContainer?: boolean },
): SandboxError {
  const { code, statusCode } = shape(error);
  const message = daemonMessage(error);
  const wrap = (text: string) => new SandboxError(`Docker sandbox: ${text}`, { cause: error });
  if (code === "ENOENT") {
    return wrap(
      `no Docker socket at ${context.socketPath} while ${doing}. Start Docker; when the agent runs in a container, mount /var/run/docker.sock into it (docker-compose.yml does), or use --sandbox local.`,
    );
  }
  if (code === "EACCES" || code === "EPERM") {
    return wrap(
      `permission denied on ${context.socketPath} while ${doing}. ${socketGroupFix(context.socketPath, context.inContainer)}`,
    );
  }
  if (code === "ECONNREFUSED" || code === "ECONNRESET") {
    return wrap(
      `the Docker daemon at ${context.socketPath} is not answering while ${doing}. Start Docker and retry.`,
    );
  }
  if (statusCode === 404 && /image/i.test(message)) {
    return wrap(
      `the sandbox image ${context.image} does not exist. Build it with docker compose build (or docker build -t ${context.image} .), or set SANDBOX_IMAGE.`,
    );
  }
  if (statusCode === 404 && /network/i.test(message)) {
    return wrap(
      `the network ${context.network ?? "?"} does not exist. Set SANDBOX_NETWORK to an existing network (docker network ls), or none.`,
    );
  }
  return wrap(`${doing} failed: ${message}`);
}

/**
 * How to get into the Docker socket's group, with the group id read from the socket itself: in a container
 * (Compose) that is DOCKER_GID; on a host, the user's group membership.
 */
function socketGroupFix(socketPath: string, inContainer: boolean | undefined): string {
  const gid = statSync(socketPath, { throwIfNoEntry: false })?.gid;
  const groups = typeof process.getgroups === "function" ? process.getgroups() : [];
  const mine = groups.length > 0 ? groups.join(", ") : "none";
  if (gid === undefined) {
    return inContainer
      ? "Set DOCKER_GID in .env to the socket's group (stat -c %g /var/run/docker.sock on the host) and start the agent again."
      : "Add your user to the socket's group (sudo usermod -aG docker $USER, then log in again), or use --sandbox local.";
  }
  if (inContainer) {
    return `The socket belongs to group ${gid} and the agent runs in groups ${mine}: set DOCKER_GID=${gid} in .env and start the agent again (docker compose run --rm agent).`;
  }
  return `The socket belongs to group ${gid} and you are in groups ${mine}: add your user to it (sudo usermod -aG docker $USER, then log in again), or use --sandbox local.`;
}

/** What `container.inspect().State` tells about a sandbox that ended. */
export interface ContainerEnd {
  /** Exit code of the main process. */
  exitCode?: number;
  /** The kernel's OOM killer stopped it. */
  oomKilled?: boolean;
  /** Daemon-side error text, if any. */
  error?: string;
}

/** One line: "the sandbox container was killed for using more than its memory limit (OOM)", ... */
export function describeContainerEnd(end: ContainerEnd | undefined, label: string): string {
  if (end === undefined) return `${label} is gone (it was removed or Docker restarted)`;
  if (end.oomKilled) return `${label} was killed for exceeding its memory limit (OOM)`;
  if (end.error) return `${label} failed: ${end.error}`;
  switch (end.exitCode) {
    case undefined:
      return `${label} stopped`;
    case 137:
      return `${label} was killed (SIGKILL, exit code 137)`;
    case 143:
      return `${label} was stopped (SIGTERM, exit code 143)`;
    default:
      return `${label} exited with code ${end.exitCode}`;
  }
}
