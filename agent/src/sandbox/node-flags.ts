// The flags that put a node program under Node's permission model on the node running here (Node 20's
// experimental flag, Node 24's stable one) and switch off what the model does not cover (node:sqlite).
// The toolhost has its own copy (mcp-servers/toolhost/src/dynamic/sandbox-node.ts): it is a separate server.

/** `--permission` on Node ≥ 22.13 and 23.5, `--experimental-permission` on Node 20. */
export function permissionFlag(
  allowed: ReadonlySet<string> = process.allowedNodeEnvironmentFlags,
): "--permission" | "--experimental-permission" {
  return allowed.has("--permission") ? "--permission" : "--experimental-permission";
}

/** node:sqlite writes files without an fs-write grant: off where the node has the flag (Node ≥ 22.5). */
export function disabledModuleFlags(
  allowed: ReadonlySet<string> = process.allowedNodeEnvironmentFlags,
): string[] {
  return allowed.has("--no-experimental-sqlite") ? ["--no-experimental-sqlite"] : [];
}
