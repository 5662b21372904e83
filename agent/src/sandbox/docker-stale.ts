// Removes sandbox containers that an agent which is gone left behind (it crashed or was killed). An owner is
// judged by its per-process labels, never by hostname or bare pid, so a concurrent agent's sandbox is never touched.
import type Dockerode from "dockerode";
import { processGone } from "../keys/process-identity.js";
import { type Logger, silentLogger } from "../log/logger.js";
import {
  OWNER_CONTAINER_LABEL,
  OWNER_LABEL,
  OWNER_PROCESS_LABEL,
  SANDBOX_LABEL,
} from "./docker-container-spec.js";
import { isNotFound } from "./docker-errors.js";
import type { OwnerIdentity } from "./owner-identity.js";

/** How long a sandbox must have been stopped, with an owner we cannot check, before it counts as left behind. */
const EXITED_GRACE_MS = 60_000;
/** How long a sandbox may sit created but never started (its owner died between create and start). */
const CREATED_GRACE_MS = 10 * 60_000;

export interface StaleCleanupOptions {
  logger?: Logger;
  /** Stopped this long with an owner that cannot be checked: left behind. Default 60 s. */
  exitedGraceMs?: number;
  /** Only containers carrying all these labels (`key=value`) are considered; default all sandboxes. */
  labels?: string[];
}

/**
 * Why a sandbox container is left behind, or undefined while its owner may still run. Provably gone: its owner
 * process ran on this kernel in this pid namespace and has exited (pid and start time no longer match), or
 * its owner's container is gone or stopped. An owner we cannot check (another pid namespace, another host,
 * an older agent's labels) counts as alive while the sandbox runs: its toolhost exits when the owner's
 * attached stdin closes, so a stopped sandbox past the grace period is left behind too.
 */
export async function staleReason(
  docker: Dockerode,
  info: Dockerode.ContainerInfo,
  self: OwnerIdentity,
  exitedGraceMs: number = EXITED_GRACE_MS,
  now: number = Date.now(),
): Promise<string | undefined> {
  const labels = info.Labels ?? {};
  if (labels[OWNER_LABEL] === self.instance) return undefined;
  const ownerProcess = labels[OWNER_PROCESS_LABEL];
  if (ownerProcess !== undefined && processGone(ownerProcess) === true) return "its owner process exited";
  const ownerContainer = labels[OWNER_CONTAINER_LABEL];
  if (ownerContainer !== undefined) {
    try {
      const running = (await docker.getContainer(ownerContainer).inspect()).State.Running;
      if (!running) return "its owner's container stopped";
    } catch (error) {
      if (isNotFound(error)) return "its owner's container is gone";
    }
  }
  if (info.State === "created") {
    return now - info.Created * 1000 > CREATED_GRACE_MS ? "it was never started" : undefined;
  }
  if (info.State !== "exited" && info.State !== "dead") return undefined;
  try {
    const finishedAt = Date.parse((await docker.getContainer(info.Id).inspect()).State.FinishedAt);
    const stoppedFor = Number.isNaN(finishedAt) ? Number.POSITIVE_INFINITY : now - finishedAt;
    return stoppedFor >= exitedGraceMs ? "it stopped and nobody removed it" : undefined;
  } catch {
    return undefined;
  }
}

/** Removes every sandbox container left behind by an agent that is gone; returns how many. Never throws. */
export async function removeStaleSandboxes(
  docker: Dockerode,
  self: OwnerIdentity,
  options: StaleCleanupOptions = {},
): Promise<number> {
  const logger = options.logger ?? silentLogger;
  let removed = 0;
  try {
    const containers = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${SANDBOX_LABEL}=1`, ...(options.labels ?? [])] }),
    });
    for (const info of containers) {
      const reason = await staleReason(docker, info, self, options.exitedGraceMs);
      if (reason === undefined) continue;
      try {
        await docker.getContainer(info.Id).remove({ force: true });
        removed++;
        logger.info({ container: info.Names[0] ?? info.Id, reason }, "removed a stale sandbox container");
      } catch (error) {
        if (!isNotFound(error))
          logger.warn({ container: info.Id, err: String(error) }, "stale sandbox removal failed");
      }
    }
  } catch (error) {
    logger.debug({ err: String(error) }, "stale sandbox cleanup skipped");
  }
  return removed;
}
