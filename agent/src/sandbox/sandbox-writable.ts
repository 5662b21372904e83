// Whether code in the docker sandbox can write a path the agent trusts (its own code, DATA_DIR, an mcp.json
// with commands): it can when the path lies in the workspace or dynamic-tools directory on the Docker host.
// An agent on the host compares real paths; an agent in a container compares the host sources of its mounts,
// since /app/mcp.json and /workspace may be the same host directory under two names.
import { realpathSync } from "node:fs";
import path from "node:path";
import type Dockerode from "dockerode";
import type { AgentPlace } from "./docker-host-paths.js";

interface AgentMount {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
}

/** Where a path lives on the Docker host: a host path, or a path within a named volume. */
type HostLocation = { kind: "host"; path: string } | { kind: "volume"; name: string; path: string };

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith("/") ? parent : `${parent}/`);
}

/** The real path, or as much of it as exists (a file not created yet still has a real parent). */
function realish(target: string): string {
  const missing: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(target);
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** The host location of an agent path in a container, or undefined when it is the image's own (on no mount). */
function locate(agentPath: string, mounts: readonly AgentMount[]): HostLocation | undefined {
  const target = path.resolve(agentPath);
  let best: AgentMount | undefined;
  for (const mount of mounts) {
    const destination = mount.Destination ?? "";
    if (inside(target, destination) && destination.length > (best?.Destination?.length ?? -1)) best = mount;
  }
  if (best === undefined) return undefined;
  const rest = path.relative(best.Destination ?? "/", target);
  if (best.Type === "bind" && best.Source) return { kind: "host", path: path.join(best.Source, rest) };
  if (best.Type === "volume" && best.Name)
    return { kind: "volume", name: best.Name, path: path.join("/", rest) };
  return undefined;
}

function within(candidate: HostLocation, root: HostLocation): boolean {
  if (candidate.kind !== root.kind) return false;
  if (candidate.kind === "volume" && root.kind === "volume" && candidate.name !== root.name) return false;
  return inside(candidate.path, root.path);
}

/**
 * For each of `candidates` (paths as the agent sees them), whether the sandbox's writable mounts hold it on the
 * Docker host. `sources`: the bind sources of those mounts (host paths, or volume names), as the sandbox gets them.
 */
export async function sandboxCanWrite(
  docker: Dockerode,
  place: AgentPlace,
  sources: readonly string[],
  candidates: readonly string[],
): Promise<boolean[]> {
  if (place.kind === "host") {
    const roots = sources.map(realish);
    return candidates.map((candidate) => roots.some((root) => inside(realish(candidate), root)));
  }
  const info = await docker.getContainer(place.id).inspect();
  const mounts = ((info as { Mounts?: AgentMount[] }).Mounts ?? []).filter(
    (m) => typeof m.Destination === "string",
  );
  const roots: HostLocation[] = sources.map((source) =>
    source.startsWith("/") ? { kind: "host", path: source } : { kind: "volume", name: source, path: "/" },
  );
  return candidates.map((candidate) => {
    const location = locate(candidate, mounts);
    return location !== undefined && roots.some((root) => within(location, root));
  });
}
