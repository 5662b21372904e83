// Checkpoints with the Docker sandbox: the model's tools write in the container (as the workspace's owner),
// the agent snapshots and restores the same workspace from its side of the bind mount, so /undo works alike.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { chown, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentEnv, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";
import { buildTestImage, removeDir, requireDocker, sandboxDir, TEST_IMAGE } from "./docker-support.js";

let llm: ScriptedLlm;
let workspace: string;
let dataDir: string;

beforeAll(async () => {
  await requireDocker();
  await buildTestImage();
  llm = await ScriptedLlm.start();
  workspace = await sandboxDir("cp-docker-ws-");
  dataDir = await mkdtemp(join(tmpdir(), "cp-docker-data-"));
  writeFileSync(join(workspace, "keep.txt"), "before\n");
  await chown(join(workspace, "keep.txt"), 1000, 1000);
}, 900_000);

afterAll(async () => {
  await llm?.close();
  await removeDir(workspace);
  await removeDir(dataDir);
});

describe("checkpoints with the Docker sandbox", () => {
  it("undoes files the sandboxed tools wrote and changed", async () => {
    llm.enqueue(
      {
        toolCalls: [
          { name: "write_file", arguments: { path: "made-in-docker.txt", content: "sandbox\n" } },
          { name: "shell", arguments: { command: "echo after > keep.txt" } },
        ],
      },
      { text: "Done in the sandbox." },
    );
    const env = agentEnv({ baseURL: llm.baseURL, dataDir, env: { SANDBOX_IMAGE: TEST_IMAGE } });
    const result = await runAgent(["--workspace", workspace, "--sandbox", "docker"], env, {
      stdin: "write in the sandbox\n/undo\ny\n",
      timeoutMs: 120_000,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Done in the sandbox.");
    expect(result.stdout).toContain("    restore   keep.txt");
    expect(result.stdout).toContain("    delete    made-in-docker.txt  (added since)");
    expect(existsSync(join(workspace, "made-in-docker.txt"))).toBe(false);
    expect(readFileSync(join(workspace, "keep.txt"), "utf8")).toBe("before\n");
  }, 180_000);
});
