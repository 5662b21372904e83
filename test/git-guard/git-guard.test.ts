// Code in the sandbox plants host code execution in the workspace's git repository (core.fsmonitor, a
// `!` alias, a new hook, a changed hook); after the session the user runs git there. Nothing may run, and
// the model's harmless git settings stay.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitGuard } from "../../agent/src/git-guard/git-guard.js";
import { agentEnv, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
});
afterEach(async () => {
  await llm.close();
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** A repository with one commit and a pre-commit hook of the user's own. */
function repository(): string {
  const workspace = mkdtempSync(join(tmpdir(), "git-guard-ws-"));
  git(workspace, "init", "-q", "-b", "main");
  git(workspace, "config", "user.name", "User");
  git(workspace, "config", "user.email", "user@example.com");
  writeFileSync(join(workspace, "a.txt"), "a\n");
  git(workspace, "add", "a.txt");
  git(workspace, "commit", "-q", "-m", "first");
  writeFileSync(join(workspace, ".git", "hooks", "pre-commit"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(workspace, ".git", "hooks", "pre-commit"), 0o755);
  return workspace;
}

describe("the git guard", () => {
  it("undoes program-running git settings and hooks the sandbox planted before the user's next git command", async () => {
    const workspace = repository();
    const marks = mkdtempSync(join(tmpdir(), "git-guard-marks-"));
    const call = (command: string) => ({ toolCalls: [{ name: "shell", arguments: { command } }] });
    llm.enqueue(
      call(
        `git config core.fsmonitor "touch ${marks}/fsmonitor; false" && git config alias.st '!touch ${marks}/alias' && git config user.email model@example.com`,
      ),
      call(
        `printf '#!/bin/sh\\ntouch ${marks}/hook\\n' > .git/hooks/post-checkout && chmod +x .git/hooks/post-checkout && printf 'touch ${marks}/changed-hook\\n' >> .git/hooks/pre-commit`,
      ),
      { text: "Done." },
    );
    const env = agentEnv({ baseURL: llm.baseURL });
    const result = await runAgent(["--workspace", workspace, "--sandbox", "local"], env, {
      stdin: "set up git for me\n",
    });
    expect(result.code, result.stderr).toBe(0);
    // The model was told, after the very call that did it.
    expect(llm.requests[1]?.raw).toMatch(/undid changes to the workspace's .git[\s\S]*core\.fsmonitor/);

    // The user's next git commands on the host.
    git(workspace, "status");
    git(workspace, "checkout", "-q", "-b", "feature");
    writeFileSync(join(workspace, "b.txt"), "b\n");
    git(workspace, "add", "b.txt");
    git(workspace, "commit", "-q", "-m", "second");
    // The alias is gone: `git st` is an unknown command now (and ran nothing).
    expect(spawnSync("git", ["st"], { cwd: workspace, stdio: "ignore" }).status).not.toBe(0);
    expect(readdirSync(marks)).toEqual([]);

    expect(git(workspace, "config", "user.email")).toBe("model@example.com");
    expect(
      readdirSync(join(workspace, ".git", "hooks"))
        .filter((n) => !n.endsWith(".sample"))
        .sort(),
    ).toEqual(["post-checkout.disabled-by-agent", "pre-commit.disabled-by-agent"]);
  }, 60_000);

  it("checks again when asked at exit, and keeps settings and hooks that were there before", async () => {
    const workspace = repository();
    git(workspace, "config", "core.editor", "vim");
    const guard = await GitGuard.snapshot(workspace);
    expect(await guard.check()).toEqual([]);
    git(workspace, "config", "core.pager", "touch pwned");
    git(workspace, "config", "--add", "core.editor", "evil");
    const findings = await guard.check();
    expect(findings.join("\n")).toMatch(/core\.editor, core\.pager/);
    expect(git(workspace, "config", "--get-all", "core.editor")).toBe("vim");
    expect(() => git(workspace, "config", "--get", "core.pager")).toThrow();
    expect(existsSync(join(workspace, ".git", "hooks", "pre-commit"))).toBe(true);
    expect(await guard.check()).toEqual([]);
  });
});
