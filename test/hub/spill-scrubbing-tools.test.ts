// The agent redacts the spill files a tool result names, in place, and touches nothing the sandbox could have
// pointed elsewhere: a symlinked logs directory, a symlinked file, a hard link to a file outside.
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpillScrubbingTools } from "../../agent/src/hub/spill-scrubbing-tools.js";
import { SecretSet } from "../../agent/src/keys/secrets.js";
import { MemoryTools } from "../support/memory-tools.js";

const KEY = "sk-spill-0123456789abcdefghij";
let workspace: string;
let outside: string;

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), "spill-ws-"));
  outside = mkdtempSync(join(tmpdir(), "spill-outside-"));
});
afterEach(() => {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** A tool whose result names `.agent/logs/<name>`, as the toolhost's shell does for a long output. */
function toolsNaming(name: string): SpillScrubbingTools {
  const secrets = new SecretSet([KEY]);
  const inner = new MemoryTools().add(
    "shell",
    async () => `[Output was 120 KB; the full log is in .agent/logs/${name}]`,
  );
  return new SpillScrubbingTools(inner, { workspaceRoot: workspace, scrub: (text) => secrets.scrub(text) });
}

const call = (tools: SpillScrubbingTools) =>
  tools.callTool("shell", {}, { signal: new AbortController().signal });

describe("spill files named by a tool result", () => {
  it("are rewritten with every secret redacted, other bytes kept", async () => {
    mkdirSync(join(workspace, ".agent", "logs"), { recursive: true });
    const file = join(workspace, ".agent", "logs", "shell-1.log");
    writeFileSync(file, Buffer.concat([Buffer.from(`env: ${KEY}\n`), Buffer.from([0xff, 0xfe, 0x00])]));
    await call(toolsNaming("shell-1.log"));
    const after = readFileSync(file);
    expect(after.toString("latin1")).toBe(`env: [redacted]\n\xff\xfe\x00`);
  });

  it("are left alone when the logs directory or the file leads outside the workspace", async () => {
    const victim = join(outside, "shell-victim.log");
    writeFileSync(victim, `user's file ${KEY}\n`);
    mkdirSync(join(workspace, ".agent"), { recursive: true });
    symlinkSync(outside, join(workspace, ".agent", "logs"));
    await call(toolsNaming("shell-victim.log"));
    expect(readFileSync(victim, "utf8")).toContain(KEY);

    rmSync(join(workspace, ".agent", "logs"));
    mkdirSync(join(workspace, ".agent", "logs"));
    symlinkSync(victim, join(workspace, ".agent", "logs", "shell-link.log"));
    linkSync(victim, join(workspace, ".agent", "logs", "shell-hard.log"));
    await call(toolsNaming("shell-link.log"));
    await call(toolsNaming("shell-hard.log"));
    expect(readFileSync(victim, "utf8")).toContain(KEY);
  });
});
