// The rules for a dynamic tool's name: snake_case, 1-64 characters, no `__` (the hub's MCP namespace
// separator, so a dynamic tool can never shadow `<server>__<tool>`), and never a built-in's name.

/** Longest tool name OpenAI-compatible APIs accept. */
export const MAX_TOOL_NAME_LENGTH = 64;

/** Names DESIGN §3 gives the built-ins, reserved even when this toolhost does not serve one (yet). */
export const RESERVED_TOOL_NAMES: ReadonlySet<string> = new Set([
  "list_files",
  "read_file",
  "write_file",
  "edit_file",
  "shell",
  "install_dependency",
  "create_tool",
]);

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * Why `name` cannot be a dynamic tool's name, or undefined when it can. `isBuiltin` tells the names the
 * toolhost serves itself (the reserved ones are always refused).
 */
export function toolNameProblem(name: string, isBuiltin: (name: string) => boolean): string | undefined {
  if (name.length === 0 || name.length > MAX_TOOL_NAME_LENGTH) {
    return `The tool name must be 1 to ${MAX_TOOL_NAME_LENGTH} characters long (got ${name.length}).`;
  }
  if (name.includes("__")) {
    return `The tool name "${name}" contains "__", which is reserved for MCP server tools (<server>__<tool>); use single underscores.`;
  }
  if (!SNAKE_CASE.test(name)) {
    return `The tool name "${name}" is not snake_case: use lowercase letters, digits and single underscores, starting with a letter (e.g. word_count).`;
  }
  if (RESERVED_TOOL_NAMES.has(name) || isBuiltin(name)) {
    return `"${name}" is a built-in tool; dynamic tools may not shadow it. Choose another name.`;
  }
  return undefined;
}
