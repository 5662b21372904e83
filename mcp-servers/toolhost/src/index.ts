// The toolhost's public contract: what the agent that launches this MCP server may rely on besides MCP itself.
// The server's internals (workspace, tools, dynamic tools) stay private; the process is started by its main.ts.

export {
  ARTIFACT_METHOD,
  ARTIFACTS_CAPABILITY,
  type ArtifactRequest,
  type ArtifactResponse,
  artifactRequestSchema,
  CODE_CALL_CAPABILITY,
  CODE_CALL_METHOD,
  type CodeCallParams,
  type CodeCallResult,
  codeCallParamsSchema,
  codeCallResultSchema,
  RUN_CODE,
} from "./code-mode/protocol.js";
export { disabledModuleFlags, permissionFlag } from "./dynamic/sandbox-node.js";
export {
  DYNAMIC_TOOLS_STATUS_URI,
  type DynamicToolsStatus,
  dynamicToolsStatusSchema,
} from "./dynamic/status.js";
export { describeOwner } from "./permission-denied.js";
export { TOOL_RESULT_MAX_CHARS } from "./result-budget.js";
export { unifiedDiff } from "./text-diff.js";
export { ToolInputError, type ToolOutcome } from "./tool-descriptor.js";
export {
  describeInstall,
  INSTALL_DEPENDENCY_TOOL,
  type InstallRequest,
  type InstallRun,
  installInputShape,
  type PackageManager,
  validateInstallRequest,
} from "./tools/install-dependency.js";
