// The sandboxed node command line: the permission flag the running node accepts (Node 20 here, Node 24 in the
// image), read access to the compiled file only, and a cache path Node could not parse refused clearly.
import { describe, expect, it } from "vitest";
import {
  disabledModuleFlags,
  permissionFlag,
  sandboxedNodeArgs,
  ToolCachePathError,
} from "../../../mcp-servers/toolhost/src/dynamic/sandbox-node.js";

describe("sandboxed node arguments", () => {
  it("uses --permission where node accepts it and --experimental-permission otherwise", () => {
    expect(permissionFlag(new Set(["--permission", "--allow-fs-read"]))).toBe("--permission");
    expect(permissionFlag(new Set(["--experimental-permission"]))).toBe("--experimental-permission");
  });

  it("picks a flag this node accepts", () => {
    expect(process.allowedNodeEnvironmentFlags.has(permissionFlag())).toBe(true);
  });

  it("switches node:sqlite off where this node has it (Node 24), and asks nothing of Node 20", () => {
    expect(disabledModuleFlags(new Set(["--no-experimental-sqlite"]))).toEqual(["--no-experimental-sqlite"]);
    expect(disabledModuleFlags(new Set(["--experimental-permission"]))).toEqual([]);
  });

  it("grants read access to the compiled file and nothing else", () => {
    const args = sandboxedNodeArgs("/cache/tool-abc.mjs", "runner();");
    expect(args.filter((arg) => arg.startsWith("--allow"))).toEqual(["--allow-fs-read=/cache/tool-abc.mjs"]);
    expect(args.slice(-3)).toEqual(["--eval", "runner();", "/cache/tool-abc.mjs"]);
  });

  it("refuses a cache path with a comma, which --allow-fs-read would split", () => {
    const error = (() => {
      try {
        sandboxedNodeArgs("/tmp/a,b/tool.mjs", "");
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(ToolCachePathError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("set TMPDIR");
  });
});
