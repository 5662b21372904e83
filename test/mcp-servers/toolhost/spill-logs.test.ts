// Spill logs stay within their total budget: the oldest go first, other files in .agent/logs stay, and a
// shell command whose output spills prunes before it writes.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pruneSpillLogs } from "../../../mcp-servers/toolhost/src/spill-logs.js";
import { makeSandbox, startInProcess } from "./toolhost-harness.js";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("pruneSpillLogs", () => {
  it("deletes the oldest spill logs beyond the budget and nothing else", async () => {
    dir = mkdtempSync(join(tmpdir(), "spill-logs-"));
    const now = Date.now() / 1000;
    for (let i = 0; i < 5; i++) {
      const file = join(dir, `shell-${i}.log`);
      writeFileSync(file, Buffer.alloc(1000));
      utimesSync(file, now - 100 + i, now - 100 + i);
    }
    writeFileSync(join(dir, "notes.txt"), Buffer.alloc(5000));
    mkdirSync(join(dir, "shell-dir.log"));
    expect((await pruneSpillLogs(dir, 2500)).sort()).toEqual(["shell-0.log", "shell-1.log", "shell-2.log"]);
    expect(readdirSync(dir).sort()).toEqual(["notes.txt", "shell-3.log", "shell-4.log", "shell-dir.log"]);
    expect(await pruneSpillLogs(join(dir, "missing"), 0)).toEqual([]);
  });
});

describe("the shell tool", () => {
  it("prunes old spill logs before a long output spills, so the total stays within 256 MiB", async () => {
    const sandbox = await makeSandbox();
    const host = await startInProcess(sandbox.workspace, undefined, { timeout: 20, max: 30 });
    try {
      const logs = join(sandbox.workspace, ".agent", "logs");
      mkdirSync(logs, { recursive: true });
      // Three earlier spills of 100 MiB each (sparse files: no disk is used).
      const now = Date.now() / 1000;
      for (let i = 0; i < 3; i++) {
        const file = join(logs, `shell-old-${i}.log`);
        writeFileSync(file, "");
        truncateSync(file, 100 * 1024 * 1024);
        utimesSync(file, now - 100 + i, now - 100 + i);
      }
      const result = await host.call("shell", { command: "head -c 200000 /dev/zero | tr '\\0' x" });
      expect(result.text).toMatch(/the full log is in \.agent\/logs\/shell-/);
      const left = readdirSync(logs).sort();
      expect(left).not.toContain("shell-old-0.log");
      expect(left).not.toContain("shell-old-1.log");
      expect(left).toContain("shell-old-2.log");
      expect(left).toHaveLength(2);
    } finally {
      await host.close();
      await sandbox.remove();
    }
  });
});
