// InstallDependencyTools over the real toolhost (a local child process through the hub): install_dependency
// goes to the launcher's installer with the call's signal, everything else reaches the toolhost unchanged.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InstallDependencyTools } from "../../agent/src/hub/install-dependency-tools.js";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import type { DependencyInstaller } from "../../agent/src/sandbox/launcher.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";

/** An installer that records each call and answers with what it was given. */
function recordingInstaller(): DependencyInstaller & {
  calls: Array<{ args: Record<string, unknown>; signal: AbortSignal }>;
} {
  const calls: Array<{ args: Record<string, unknown>; signal: AbortSignal }> = [];
  return {
    calls,
    async install(args, signal) {
      calls.push({ args, signal });
      return { text: `installed by the agent: ${JSON.stringify(args)}`, isError: false };
    },
  };
}

let hub: ToolHub | undefined;
let workspace: string | undefined;
afterEach(async () => {
  await hub?.close();
  if (workspace) await rm(workspace, { recursive: true, force: true });
  hub = undefined;
  workspace = undefined;
});

describe("InstallDependencyTools", () => {
  async function setUp() {
    workspace = await mkdtemp(join(tmpdir(), "install-tools-"));
    hub = new ToolHub({ launcher: new LocalLauncher({ workspace }), servers: [] });
    const installer = recordingInstaller();
    return { installer, tools: new InstallDependencyTools(hub, installer), workspace };
  }

  it("answers install_dependency with the installer, passing the call's signal, not the toolhost", async () => {
    const { installer, tools, workspace } = await setUp();
    const signal = new AbortController().signal;
    const args = { manager: "npm", packages: ["left-pad"] };
    const result = await tools.callTool("install_dependency", args, { signal });
    expect(result).toEqual({ text: `installed by the agent: ${JSON.stringify(args)}`, isError: false });
    expect(installer.calls).toEqual([{ args, signal }]);
    // The toolhost would have run npm in the workspace: nothing there.
    await expect(readFile(join(workspace, "package.json"))).rejects.toThrow(/ENOENT/);
  });

  it("lists the toolhost's tools unchanged and passes every other call through to it", async () => {
    const { installer, tools, workspace } = await setUp();
    const listed = await tools.listTools();
    expect(listed).toEqual(await hub?.listTools());
    expect(listed.map((tool) => tool.name)).toContain("install_dependency");
    const signal = new AbortController().signal;
    const written = await tools.callTool("write_file", { path: "a.txt", content: "through" }, { signal });
    expect(written.isError).toBe(false);
    expect(await readFile(join(workspace, "a.txt"), "utf8")).toBe("through");
    expect(installer.calls).toEqual([]);
  });
});
