// /undo and /rewind through the real CLI over a real workspace (local sandbox): what each turn changed is shown
// first, restored on "yes" (files added, changed and deleted), the conversation rewound with it, and bad input
// or no answer changes nothing. Checkpoints survive --resume and say when they are off.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
  writeFileSync(join(workspace, "b.txt"), "original b\n");
  writeFileSync(join(workspace, "c.txt"), "keep c\n");
});
afterEach(async () => {
  pty?.kill();
  pty = undefined;
  await llm.close();
});

const env = (extra: Record<string, string> = {}) => agentEnv({ baseURL: llm.baseURL, dataDir, env: extra });
const repl = (stdin: string, extra: Record<string, string> = {}) =>
  runAgent(["--workspace", workspace, "--sandbox", "local"], env(extra), { stdin, timeoutMs: 60_000 });
const file = (path: string) =>
  existsSync(join(workspace, path)) ? readFileSync(join(workspace, path), "utf8") : undefined;

/** Turn 1 writes a.txt; turn 2 edits b.txt, deletes c.txt and writes d.txt. */
function scriptTwoTurns(): void {
  llm.enqueue(
    { toolCalls: [{ name: "write_file", arguments: { path: "a.txt", content: "A\n" } }] },
    { text: "Made a." },
    {
      toolCalls: [
        { name: "edit_file", arguments: { path: "b.txt", old_text: "original", new_text: "changed" } },
        { name: "shell", arguments: { command: "rm c.txt" } },
        { name: "write_file", arguments: { path: "d.txt", content: "D\n" } },
      ],
    },
    { text: "Changed things." },
  );
}

describe("/undo", () => {
  it("shows the last turn's changes, restores them on yes, and rewinds the conversation", async () => {
    scriptTwoTurns();
    llm.enqueue({ text: "Now what?" });
    const result = await repl("make a\nchange things\n/undo\ny\nwhat now?\n");
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/Back to before turn 2 \(\d\d:\d\d:\d\d: "change things"\):/);
    expect(out).toContain("  conversation: turn 2 leave the conversation (10 messages now, 4 after).");
    expect(out).toContain("    restore   b.txt");
    expect(out).toContain("    recreate  c.txt");
    expect(out).toContain("    delete    d.txt  (added since)");
    expect(out).toMatch(/not tracked \(left as they are\): files in \.gitignore; node_modules\//);
    expect(out).toContain("Restore? [y/N]");
    expect(out).toMatch(
      /Rewound to before turn 2: files: 1 restored, 1 recreated, 1 deleted \(the replaced versions are kept as checkpoint [0-9a-f]{12}\); the conversation has 4 messages\./,
    );
    expect(file("b.txt")).toBe("original b\n");
    expect(file("c.txt")).toBe("keep c\n");
    expect(file("d.txt")).toBeUndefined();
    expect(file("a.txt")).toBe("A\n"); // turn 1 stays
    const sent = llm.requests.at(-1)?.body.messages.map((m) => m.content) ?? [];
    expect(sent).toContain("make a");
    expect(sent).not.toContain("change things");
    expect(sent.at(-1)).toBe("what now?");
  });

  it("changes nothing when the answer is no", async () => {
    scriptTwoTurns();
    llm.enqueue({ text: "still here" });
    const result = await repl("make a\nchange things\n/undo\nn\nand?\n");
    expect(result.stdout).toContain("Nothing changed.");
    expect(file("b.txt")).toBe("changed b\n");
    expect(file("d.txt")).toBe("D\n");
    expect(llm.requests.at(-1)?.body.messages.map((m) => m.content)).toContain("change things");
  });

  it("says there is nothing to undo in a fresh session, and refuses arguments", async () => {
    const result = await repl("/undo\n/undo 3\n/rewind\n");
    expect(result.stdout).toContain("Nothing to undo: no turn has run in this conversation.");
    expect(result.stderr).toContain(
      "Usage: /undo (no arguments). To go back further, /rewind lists the turns.",
    );
    expect(result.stdout).toContain("Nothing to rewind: no turn has run in this conversation.");
    expect(llm.requests).toHaveLength(0);
  });
});

describe("/rewind", () => {
  it("lists the turns with what each changed, and goes back to before turn N", async () => {
    scriptTwoTurns();
    llm.enqueue({ text: "fresh start" });
    const result = await repl("make a\nchange things\n/rewind\n/rewind 1\ny\nhello again\n");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {4}1 {2}\d\d:\d\d:\d\d {2}make a +files: 1 added$/m);
    expect(result.stdout).toMatch(
      /^ {4}2 {2}\d\d:\d\d:\d\d {2}change things +files: 1 changed, 1 added, 1 deleted$/m,
    );
    expect(result.stdout).toContain(
      "  conversation: turn 1 and the 1 after it leave the conversation (10 messages now, 0 after).",
    );
    expect(file("a.txt")).toBeUndefined();
    expect(file("b.txt")).toBe("original b\n");
    expect(file("c.txt")).toBe("keep c\n");
    expect(
      llm.requests
        .at(-1)
        ?.body.messages.slice(1)
        .map((m) => m.content),
    ).toEqual(["hello again"]);
  });

  it("refuses a turn that does not exist and anything that is not a turn number, changing nothing", async () => {
    scriptTwoTurns();
    const result = await repl(
      "make a\nchange things\n/rewind 99\n/rewind x\n/rewind 0\n/rewind -1\n/rewind 1.5\n",
    );
    expect(result.stderr).toContain(
      "There is no turn 99: this conversation has turns 1–2. /rewind lists them.",
    );
    expect(result.stderr).toContain(
      "There is no turn 0: this conversation has turns 1–2. /rewind lists them.",
    );
    const usage = "Usage: /rewind [N], where N is a turn number from /rewind's list (1–2).";
    expect(result.stderr.split(usage).length - 1).toBe(3); // x, -1, 1.5
    expect(file("d.txt")).toBe("D\n");
    expect(file("a.txt")).toBe("A\n");
  });

  it("undoes a turn of an earlier run after --resume (checkpoints outlive the process)", async () => {
    llm.enqueue(
      { toolCalls: [{ name: "write_file", arguments: { path: "b.txt", content: "from print mode\n" } }] },
      { text: "Wrote b." },
    );
    const first = await runAgent(["--workspace", workspace, "--sandbox", "local", "-p", "rewrite b"], env());
    expect(first.code).toBe(0);
    expect(file("b.txt")).toBe("from print mode\n");
    const result = await runAgent(["--workspace", workspace, "--sandbox", "local", "--resume"], env(), {
      stdin: "/undo\ny\n",
    });
    expect(result.stdout).toContain('"rewrite b"');
    expect(file("b.txt")).toBe("original b\n");
  });

  it("rewinds only the conversation when checkpoints are off, and says so", async () => {
    scriptTwoTurns();
    llm.enqueue({ text: "ok" });
    const result = await repl("make a\nchange things\n/undo\ny\nagain\n", { CHECKPOINTS: "false" });
    expect(result.stdout).toContain("  files: not restored (checkpoints are off (CHECKPOINTS=false)).");
    expect(result.stdout).toContain("Rewind the conversation? [y/N]");
    expect(result.stdout).toMatch(
      /Rewound to before turn 2: files not restored; the conversation has 4 messages\./,
    );
    expect(file("d.txt")).toBe("D\n");
    expect(llm.requests.at(-1)?.body.messages.map((m) => m.content)).not.toContain("change things");
  });

  it("tells the user once when checkpoints cannot work (no git), and the turn still runs", async () => {
    const emptyBin = mkdtempSync(join(tmpdir(), "no-git-"));
    mkdirSync(join(emptyBin, "bin"));
    llm.enqueue({ text: "one" }, { text: "two" });
    const result = await repl("first\nsecond\n", { PATH: join(emptyBin, "bin") });
    expect(result.code).toBe(0);
    const notice =
      "Checkpoints are off for this session: git is not installed. /undo and /rewind will rewind the conversation only.";
    expect(result.stderr.split(notice).length - 1).toBe(1);
    expect(result.stdout).toContain("two");
  });
});

describe("/undo on a terminal", () => {
  it("Ctrl-C at the question changes nothing, and the REPL goes on", async () => {
    scriptTwoTurns();
    llm.enqueue({ text: "still going" });
    const ptyEnv = { ...env(), TERM: "xterm-256color" };
    pty = new PtySession(
      process.execPath,
      agentArgs(["--workspace", workspace, "--sandbox", "local"]),
      ptyEnv,
      repoRoot,
    );
    await pty.waitFor(/\/help for commands/);
    pty.type("make a\r");
    await pty.waitFor(/Made a\./);
    pty.type("change things\r");
    await pty.waitFor(/Changed things\./);
    pty.type("/undo\r");
    await pty.waitFor(/Restore\? \[y\/N\]/);
    pty.type("\x03");
    await pty.waitFor(/Nothing changed\./);
    expect(file("d.txt")).toBe("D\n");
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // not a double press
    pty.type("go on\r");
    await pty.waitFor(/still going/);
  });
});
