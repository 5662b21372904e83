// Who this agent process is to Docker (its own container, if any) and which bind sources the daemon must use
// for the workspace: sibling containers need host paths, found in the agent container's own mounts.
import { readFileSync } from "node:fs";
import path from "node:path";
import type Dockerode from "dockerode";
import { SandboxError } from "./launcher.js";

/** Where the agent runs: directly on the host, or in a container (its full id). */
export type AgentPlace = { kind: "host" } | { kind: "container"; id: string };

/**
 * The container this process runs in, read from /proc/self/mountinfo (Docker bind-mounts the container's
 * /etc/hostname from /var/lib/docker/containers/<id>/), which works with cgroup v1 and v2 alike.
 */
export function detectAgentPlace(mountinfo = "/proc/self/mountinfo"): AgentPlace {
  try {
    const text = readFileSync(mountinfo, "utf8");
    const match = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)/.exec(text);
    if (match?.[1]) return { kind: "container", id: match[1] };
  } catch {
    // Not Linux, or no /proc: a host.
  }
  return { kind: "host" };
}

/** A path as the agent sees it, and an explicit host path the user gave for it (HOST_WORKSPACE_DIR, ...). */
export interface MountRequest {
  /** The path in the agent's own filesystem. */
  agentPath: string;
  /** Overrides the lookup: a host path or a volume name. */
  explicit?: string;
  /** The variable that sets `explicit`, for error messages. */
  variable: string;
}

interface AgentMount {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
}

/**
 * The bind source for each request. On a host the path itself; in a container, the host path (bind mount)
 * or volume name (named volume) behind the agent's own mount of that path. Throws a SandboxError naming the
 * variable to set when the path is on no mount (a sibling container could not see it).
 */
export async function resolveBindSources(
  docker: Dockerode,
  place: AgentPlace,
  requests: readonly MountRequest[],
): Promise<string[]> {
  const pending = requests.filter((request) => request.explicit === undefined);
  if (place.kind === "host" || pending.length === 0) {
    return requests.map((request) => request.explicit ?? request.agentPath);
  }
  const info = await docker.getContainer(place.id).inspect();
  const mounts = ((info as { Mounts?: AgentMount[] }).Mounts ?? []).filter(
    (mount) => typeof mount.Destination === "string",
  );
  return requests.map((request) => request.explicit ?? sourceFor(request, mounts));
}

function sourceFor(request: MountRequest, mounts: AgentMount[]): string {
  const target = path.resolve(request.agentPath);
  let best: AgentMount | undefined;
  for (const mount of mounts) {
    const destination = mount.Destination ?? "";
    const inside = target === destination || target.startsWith(`${destination}/`);
    if (inside && destination.length > (best?.Destination?.length ?? -1)) best = mount;
  }
  const rest = best ? path.relative(best.Destination ?? "/", target) : "";
  if (best?.Type === "bind" && best.Source) return rest === "" ? best.Source : path.join(best.Source, rest);
  if (best?.Type === "volume" && best.Name && rest === "") return best.Name;
  const why = best
    ? `it is inside the ${best.Type} mount ${best.Destination}, which a sibling container cannot share a part of`
    : "it is on no volume or bind mount of the agent's container, so a sandbox container cannot see it";
  throw new SandboxError(
    `Docker sandbox: cannot share ${target} with the sandbox: ${why}. Mount it into the agent container (docker-compose.yml does) or set ${request.variable} to its path on the Docker host.`,
  );
}
