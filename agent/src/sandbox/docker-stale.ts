// Removes sandbox containers that an agent which is gone left behind (it crashed or was killed): selected by
// label, kept when their owner still runs, so a concurrent agent's sandbox is never touched.
import type Dockerode from "dockerode";
import { type HubLogger, silentLogger } from "../hub/hub-logger.js";
import { OWNER_LABEL, SANDBOX_LABEL } from "./docker-container-spec.js";
import { isNotFound } from "./docker-errors.js";
import { type AgentPlace, ownerId } from "./docker-host-paths.js";

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the agent named by an owner label still runs: a process on this host or in this very container is
 * checked by pid; another container by its running state; an owner we cannot check (another host) counts
 * as alive.
 */
async function ownerAlive(docker: Dockerode, owner: string, self: AgentPlace): Promise<boolean> {
  const slash = owner.lastIndexOf("/");
  if (slash <= 0) return true;
  const where = owner.slice(0, slash);
  const pid = Number(owner.slice(slash + 1));
  const selfWhere = ownerId(self, 0).replace(/\/0$/, "");
  if (where === selfWhere) return pid === process.pid || pidAlive(pid);
  if (/^[0-9a-f]{64}$/.test(where)) {
    try {
      return (await docker.getContainer(where).inspect()).State.Running;
    } catch (error) {
      return !isNotFound(error);
    }
  }
  return true;
}

/** Removes every sandbox container whose owner is gone; returns how many. Never throws. */
export async function removeStaleSandboxes(
  docker: Dockerode,
  self: AgentPlace,
  logger: HubLogger = silentLogger,
): Promise<number> {
  let removed = 0;
  try {
    const containers = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${SANDBOX_LABEL}=1`] }),
    });
    for (const info of containers) {
      const owner = info.Labels[OWNER_LABEL] ?? "";
      if (await ownerAlive(docker, owner, self)) continue;
      try {
        await docker.getContainer(info.Id).remove({ force: true });
        removed++;
        logger.info({ container: info.Names[0] ?? info.Id, owner }, "removed a stale sandbox container");
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
