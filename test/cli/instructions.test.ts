// Project instructions through the real CLI: AGENTS.md in the system prompt, the banner naming what was
// loaded, and /init drafting an AGENTS.md with the model, shown first and written only on "yes".
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PtySession } from "../support/pty.js";
import { agentArgs, agentEnv, repoRoot, runAgent } from "../support/run-agent.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let workspace: string;
let dataDir: string;
let pty: PtySession | undefined;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
  workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
  dataDir = mkdtempSync(join(tmpdir(), "agent-data-"));
});
afterEach(async () => {
  pty?.kill();
  pty = undefined;
  await llm.close();
});

const env = (extra: Record<string, string> = {}) =>
  agentEnv({ baseURL: llm.baseURL, dataDir, env: { CHECKPOINTS: "false", ...extra } });
const repl = (stdin: string, extra: Record<string, string> = {}) =>
  runAgent(["--workspace", workspace, "--sandbox", "local"], env(extra), { stdin });
const systemPrompt = (i = 0) => llm.requests[i]?.body.messages[0]?.content ?? "";

const DRAFT = "# Agent guide\n\n## Build, test and run\n\n- `make test` runs the tests.\n";

describe("project instructions in the system prompt", () => {
  it("adds the workspace's AGENTS.md and the user's own file to every request", async () => {
    writeFileSync(join(workspace, "AGENTS.md"), "Always run make lint before answering.\n");
    writeFileSync(join(dataDir, "AGENTS.md"), "Answer in haiku.\n");
    llm.enqueue({ text: "ok" });
    const result = await runAgent(["--workspace", workspace, "--sandbox", "local", "-p", "hi"], env());
    expect(result.code).toBe(0);
    expect(systemPrompt()).toMatch(
      /# Project instructions[\s\S]*Answer in haiku\.[\s\S]*Always run make lint/,
    );
  });

  it("cuts the instructions to INSTRUCTIONS_MAX_BYTES and tells the model", async () => {
    writeFileSync(join(workspace, "AGENTS.md"), `${"a rule to follow\n".repeat(200)}`);
    llm.enqueue({ text: "ok" });
    await runAgent(
      ["--workspace", workspace, "--sandbox", "local", "-p", "hi"],
      env({ INSTRUCTIONS_MAX_BYTES: "500" }),
    );
    expect(systemPrompt()).toMatch(
      /\[cut here: \d+ of 3400 bytes left out to keep the instructions under 500 bytes/,
    );
    expect(systemPrompt().split("a rule to follow").length - 1).toBeLessThanOrEqual(30);
  });

  it("names the loaded files in the banner, with what the cap cut", async () => {
    writeFileSync(join(workspace, "AGENTS.md"), `${"rule\n".repeat(300)}`);
    writeFileSync(join(dataDir, "AGENTS.md"), "mine\n");
    const ptyEnv = { ...env({ INSTRUCTIONS_MAX_BYTES: "1000" }), TERM: "xterm-256color" };
    pty = new PtySession(
      process.execPath,
      agentArgs(["--workspace", workspace, "--sandbox", "local"]),
      ptyEnv,
      repoRoot,
    );
    const escaped = join(dataDir, "AGENTS.md").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    // The workspace's file is kept first; the cap is spent on it, so the user's is left out.
    await pty.waitFor(
      new RegExp(
        `instructions: ${escaped} \\(5 B, left out: over INSTRUCTIONS_MAX_BYTES=1000\\), ` +
          "AGENTS\\.md \\(cut to 1000 B of 1\\.5 KB by INSTRUCTIONS_MAX_BYTES=1000\\)",
      ),
    );
  });

  it("says in the banner how to add instructions when there are none", async () => {
    const ptyEnv = { ...env(), TERM: "xterm-256color" };
    pty = new PtySession(
      process.execPath,
      agentArgs(["--workspace", workspace, "--sandbox", "local"]),
      ptyEnv,
      repoRoot,
    );
    await pty.waitFor(/instructions: none \(add an AGENTS\.md to the workspace, or draft one with \/init\)/);
  });
});

describe("/init", () => {
  beforeEach(() => {
    writeFileSync(join(workspace, "README.md"), "# Widget\n\nRun `make test` to test.\n");
    writeFileSync(join(workspace, "Makefile"), "test:\n\tpytest -q\n");
    mkdirSync(join(workspace, "node_modules", "dep"), { recursive: true });
    writeFileSync(join(workspace, "node_modules", "dep", "index.js"), "NEVER LISTED\n");
  });

  it("drafts from the workspace without tools, shows the draft, writes it on yes, and uses it next", async () => {
    llm.enqueue({ text: `\`\`\`markdown\n${DRAFT}\`\`\`` }, { text: "ok" });
    const result = await repl("/init\ny\nhello\n");
    expect(result.code).toBe(0);
    const draftRequest = llm.requests[0]?.body;
    expect(draftRequest?.tools ?? []).toEqual([]);
    const digest = draftRequest?.messages[1]?.content ?? "";
    expect(digest).toMatch(/<files count="2">\nMakefile\nREADME\.md\n<\/files>/);
    expect(digest).toContain('<file path="README.md">\n# Widget');
    expect(digest).not.toContain("NEVER LISTED");
    expect(result.stdout).toContain("## Build, test and run");
    expect(result.stdout).toContain(`Write this draft to ${join(workspace, "AGENTS.md")}? [y/N]`);
    expect(readFileSync(join(workspace, "AGENTS.md"), "utf8")).toBe(DRAFT);
    expect(result.stdout).toMatch(
      /Wrote .*AGENTS\.md \(5 lines\)\. It is in the system prompt from the next request\./,
    );
    expect(systemPrompt(1)).toContain("`make test` runs the tests.");
  });

  it("writes nothing when the answer is no", async () => {
    llm.enqueue({ text: DRAFT });
    const result = await repl("/init\nn\n");
    expect(result.stdout).toContain("Nothing written.");
    expect(() => readFileSync(join(workspace, "AGENTS.md"))).toThrow();
  });

  it("never replaces an existing AGENTS.md without asking about it, and improves on it", async () => {
    writeFileSync(join(workspace, "AGENTS.md"), "old guide\n");
    llm.enqueue({ text: DRAFT }, { text: DRAFT });
    const declined = await repl("/init\nn\n");
    expect(llm.requests[0]?.body.messages[1]?.content).toContain("<current-agents-md>\nold guide\n");
    expect(declined.stdout).toContain(
      `${join(workspace, "AGENTS.md")} exists (1 lines). Replace it with this draft? [y/N]`,
    );
    expect(readFileSync(join(workspace, "AGENTS.md"), "utf8")).toBe("old guide\n");
    await repl("/init\nyes\n");
    expect(readFileSync(join(workspace, "AGENTS.md"), "utf8")).toBe(DRAFT);
  });

  it("writes nothing when the model fails, and says why", async () => {
    llm.enqueue({ kind: "error", status: 500, message: "model down" });
    const result = await repl("/init\n");
    expect(result.stderr).toMatch(/HTTP 500.*Nothing written\./);
    expect(() => readFileSync(join(workspace, "AGENTS.md"))).toThrow();
  });

  it("stops on Ctrl-C while drafting, writes nothing, and the REPL goes on", async () => {
    llm.enqueue({ kind: "hang" }, { text: "still here" });
    const ptyEnv = { ...env(), TERM: "xterm-256color" };
    pty = new PtySession(
      process.execPath,
      agentArgs(["--workspace", workspace, "--sandbox", "local"]),
      ptyEnv,
      repoRoot,
    );
    await pty.waitFor(/\/help for commands/);
    pty.type("/init\r");
    await expect.poll(() => llm.requests.length, { timeout: 20_000 }).toBe(1);
    pty.type("\x03");
    await pty.waitFor(/Interrupted: nothing written\./);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // not a double press
    pty.type("hello\r");
    await pty.waitFor(/still here/);
    expect(() => readFileSync(join(workspace, "AGENTS.md"))).toThrow();
  });
});
