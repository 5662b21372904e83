// A sandbox that cannot work, as a user meets it: no access to the Docker socket (a wrong DOCKER_GID under
// Compose), or a workspace owned by someone else. Print mode stops with exit 1 and one line naming the fix;
// the REPL says so before the first prompt; a refused write says whose the folder is.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentEnv, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

const SOCKET = "/var/run/docker.sock";
/** Switching users needs root; CI and the dev container run the tests as root. */
const isRoot = process.getuid?.() === 0;
/** An ordinary user, as the agent container runs (the image's `node`, uid 1000). */
const user = { uid: 1000, gid: 1000 };
const socketGid = (() => {
  try {
    return statSync(SOCKET).gid;
  } catch {
    return undefined;
  }
})();

let llm: ScriptedLlm;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
});
afterEach(async () => {
  await llm.close();
});

/** A directory the ordinary user owns (its HOME, a workspace). */
function ownedDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chownSync(dir, user.uid, user.gid);
  return dir;
}

/** The agent as the ordinary user, with a HOME and data dir it owns. */
function runAsUser(args: string[], stdin?: string) {
  const home = ownedDir("agent-home-");
  const env = agentEnv({ baseURL: llm.baseURL, dataDir: join(home, "data") });
  return runAgent(
    args,
    { ...env, HOME: home, LOG_FILE: join(home, "agent.log") },
    {
      user,
      timeoutMs: 60_000,
      ...(stdin === undefined ? {} : { stdin }),
    },
  );
}

describe.runIf(isRoot && socketGid !== undefined && socketGid !== user.gid)(
  "an agent that may not use the Docker socket",
  () => {
    it("stops print mode with exit 1 and one line naming the socket's group, before asking the model", async () => {
      const workspace = ownedDir("agent-ws-");
      const result = await runAsUser(["--workspace", workspace, "--sandbox", "docker", "-p", "write a file"]);
      expect(result.code, result.stderr).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^The tools are unavailable: Docker sandbox: permission denied on ${SOCKET} while .*`),
      );
      expect(lines[0]).toContain(
        `The socket belongs to group ${socketGid} and you are in groups ${user.gid}`,
      );
      expect(lines[0]).toContain("--sandbox local");
      expect(result.stdout).toBe("");
      expect(llm.requests).toHaveLength(0);
    });

    it("says so in the REPL before the first prompt", async () => {
      const workspace = ownedDir("agent-ws-");
      const result = await runAsUser(["--workspace", workspace, "--sandbox", "docker"], "/bye\n");
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        new RegExp(
          `^Docker sandbox: permission denied on ${SOCKET} while connecting to Docker\\. .*group ${socketGid}`,
        ),
      );
    });
  },
);

describe.runIf(isRoot)("a workspace owned by another user", () => {
  it("is named with its owner and the fix at the REPL's start and in the refused write", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "agent-ws-root-"));
    chmodSync(workspace, 0o755);
    llm.enqueue(
      { toolCalls: [{ name: "write_file", arguments: { path: "notes.txt", content: "hello" } }] },
      { text: "done" },
    );
    const result = await runAsUser(["--workspace", workspace, "--sandbox", "local"], "write a note\n/bye\n");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `The workspace ${workspace} belongs to root (uid 0) (mode 755) and the tools run as uid ${user.uid}: every write will fail. Fix: sudo chown -R "$(id -u):$(id -g)" ${workspace}`,
    );
    const written = llm.requests[1]?.body.messages.find((message) => message.role === "tool")?.content;
    expect(written).toContain("write_file failed: permission denied on notes.txt.");
    expect(written).toContain(
      "The workspace folder belongs to root (uid 0) (mode 755), and the tools run as uid 1000.",
    );
    expect(written).toContain("Retrying will not help");
    expect(written).toContain('sudo chown -R "$(id -u):$(id -g)"');
  });

  it("names a root-owned subfolder rather than the workspace", async () => {
    const workspace = ownedDir("agent-ws-");
    mkdirSync(join(workspace, "locked"));
    llm.enqueue(
      { toolCalls: [{ name: "write_file", arguments: { path: "locked/deep/notes.txt", content: "x" } }] },
      { text: "done" },
    );
    const result = await runAsUser(["--workspace", workspace, "--sandbox", "local", "-p", "write"]);
    expect(result.code, result.stderr).toBe(0);
    const written = llm.requests[1]?.body.messages.find((message) => message.role === "tool")?.content;
    expect(written).toContain(
      "The folder locked belongs to root (uid 0) (mode 755), and the tools run as uid 1000.",
    );
  });
});
