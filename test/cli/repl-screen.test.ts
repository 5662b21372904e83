// What a person sees in the REPL on a real terminal: the agent runs on a pseudo terminal and its output bytes
// are rendered by a terminal emulator; the assertions are about the visible lines. Round one's REPL passed its
// byte-level tests while the screen kept only "here." of a two-line answer; these would have caught it.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PtySession } from "../support/pty.js";
import { agentArgs, agentEnv, repoRoot } from "../support/run-agent.js";
import { renderScreen, renderStyledScreen } from "../support/screen.js";
import { ScriptedLlm } from "../support/scripted-llm.js";

let llm: ScriptedLlm;
let pty: PtySession | undefined;
let workspace: string;
beforeEach(async () => {
  llm = await ScriptedLlm.start();
  workspace = mkdtempSync(join(tmpdir(), "agent-ws-"));
});
afterEach(async () => {
  pty?.kill();
  pty = undefined;
  await llm.close();
});

function start(extraEnv: Record<string, string> = {}): PtySession {
  const env = { ...agentEnv({ baseURL: llm.baseURL, env: extraEnv }), TERM: "xterm-256color" };
  delete (env as Record<string, string | undefined>).NO_COLOR;
  pty = new PtySession(
    process.execPath,
    agentArgs(["--workspace", workspace, "--sandbox", "local"]),
    env,
    repoRoot,
  );
  return pty;
}

const screen = async (): Promise<string[]> => renderScreen(pty?.raw ?? "");

/** Waits until the screen shows a line matching `pattern`; fails with the screen when it never does. */
async function waitForLine(pattern: RegExp, timeout = 20_000): Promise<void> {
  await expect
    .poll(async () => (await screen()).some((line) => pattern.test(line)), { timeout, interval: 50 })
    .toBe(true);
}

/** Waits until the turn that `question` started is over: the question is on screen, then an empty prompt. */
async function waitForIdlePrompt(question: string): Promise<string[]> {
  await expect
    .poll(
      async () => {
        const lines = await screen();
        return lines.some((line) => line === `> ${question}`) && lines.at(-1) === ">";
      },
      { timeout: 20_000, interval: 50 },
    )
    .toBe(true);
  return screen();
}

/** The lines after the line that echoed `question`, up to the next prompt. */
function linesAfter(lines: string[], question: string): string[] {
  const start = lines.findIndex((line) => line === `> ${question}`);
  if (start < 0) throw new Error(`"> ${question}" is not on the screen:\n${lines.join("\n")}`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith(">"));
  return end < 0 ? rest : rest.slice(0, end);
}

const nonEmpty = (lines: string[]) => lines.filter((line) => line.trim() !== "");

async function ask(question: string): Promise<void> {
  await waitForLine(/^>$/);
  pty?.type(`${question}\r`);
}

describe("the REPL's screen on a terminal", () => {
  it("keeps every line of a streamed answer, in order, with no status line left behind", async () => {
    llm.enqueue({ text: "Hello there.\nThe answer is 42.", chunkDelayMs: 15 });
    start();
    await ask("first question");
    const lines = await waitForIdlePrompt("first question");
    expect(nonEmpty(linesAfter(lines, "first question"))).toEqual(["Hello there.", "The answer is 42."]);
    expect(lines.join("\n")).not.toMatch(/thinking · step/);
  });

  it("shows a non-streamed answer (LLM_STREAM=false)", async () => {
    llm.enqueue({ text: "Hello there.\nThe answer is 42." });
    start({ LLM_STREAM: "false" });
    await ask("first question");
    const lines = await waitForIdlePrompt("first question");
    expect(nonEmpty(linesAfter(lines, "first question"))).toEqual(["Hello there.", "The answer is 42."]);
  });

  it("keeps text written before and between tool calls, with each call and its outcome", async () => {
    writeFileSync(join(workspace, "notes.txt"), "alpha\nbeta\n");
    llm.enqueue(
      {
        text: "Let me look at the folder.",
        toolCalls: [{ name: "list_files", arguments: {} }],
        chunkDelayMs: 5,
      },
      {
        text: "Now the file.",
        toolCalls: [{ name: "read_file", arguments: { path: "notes.txt" } }],
        chunkDelayMs: 5,
      },
      { text: "It holds two lines: alpha and beta.", chunkDelayMs: 5 },
    );
    start();
    await ask("what is in notes.txt?");
    const shown = nonEmpty(
      linesAfter(await waitForIdlePrompt("what is in notes.txt?"), "what is in notes.txt?"),
    );
    expect(shown[0]).toBe("Let me look at the folder.");
    expect(shown[1]).toMatch(/^● list_files$/);
    expect(shown[2]).toMatch(/^ {2}⎿ 1 entry · notes\.txt/);
    expect(shown[3]).toBe("Now the file.");
    expect(shown[4]).toMatch(/^● read_file path="notes\.txt"$/);
    expect(shown[5]).toMatch(/^ {2}⎿ 2 lines · alpha/);
    expect(shown[6]).toBe("It holds two lines: alpha and beta.");
    expect(shown).toHaveLength(7);
  });

  it("says which call each result of parallel calls belongs to", async () => {
    writeFileSync(join(workspace, "a.txt"), "first file\n");
    writeFileSync(join(workspace, "b.txt"), "second file\nline two\n");
    llm.enqueue(
      {
        toolCalls: [
          { name: "read_file", arguments: { path: "a.txt" } },
          { name: "read_file", arguments: { path: "b.txt" } },
        ],
      },
      { text: "Both read." },
    );
    start();
    await ask("read both");
    const shown = nonEmpty(linesAfter(await waitForIdlePrompt("read both"), "read both"));
    const results = shown.filter((line) => line.includes("⎿"));
    expect(results).toHaveLength(2);
    expect(results.find((line) => line.includes('path="a.txt"'))).toMatch(/1 line · first file/);
    expect(results.find((line) => line.includes('path="b.txt"'))).toMatch(/2 lines · second file/);
    expect(shown.at(-1)).toBe("Both read.");
  });

  it("keeps every answer of a multi-turn session on screen", async () => {
    llm.enqueue(
      { text: "One.\nFirst answer done.", chunkDelayMs: 5 },
      { text: "Two.\nSecond answer done.", chunkDelayMs: 5 },
      { text: "Three.", chunkDelayMs: 5 },
    );
    start();
    await ask("q1");
    await waitForIdlePrompt("q1");
    await ask("q2");
    await waitForIdlePrompt("q2");
    await ask("q3");
    const lines = await waitForIdlePrompt("q3");
    expect(nonEmpty(linesAfter(lines, "q1"))).toEqual(["One.", "First answer done."]);
    expect(nonEmpty(linesAfter(lines, "q2"))).toEqual(["Two.", "Second answer done."]);
    expect(nonEmpty(linesAfter(lines, "q3"))).toEqual(["Three."]);
  });

  it("Ctrl-C keeps the partial answer on screen and says it was interrupted", async () => {
    llm.enqueue({ text: "Partial answer that goes on and on and on", chunkDelayMs: 400 }, { text: "Next." });
    start();
    await ask("long one");
    await waitForLine(/^Partial an/);
    pty?.type("\x03");
    const lines = await waitForIdlePrompt("long one");
    const shown = nonEmpty(linesAfter(lines, "long one"));
    expect(shown[0]).toMatch(/^Partial an/);
    expect(shown.at(-1)).toBe("Interrupted.");
  });

  it("keeps text typed during a turn off the answer and puts it on the next prompt", async () => {
    llm.enqueue({ text: "Working on it.\nStill working.\nDone.", chunkDelayMs: 60 });
    start();
    await ask("slow one");
    await waitForLine(/^Working/);
    pty?.type("next idea");
    await expect
      .poll(async () => (await screen()).at(-1), { timeout: 20_000, interval: 50 })
      .toBe("> next idea");
    const lines = await screen();
    expect(nonEmpty(linesAfter(lines, "slow one"))).toEqual(["Working on it.", "Still working.", "Done."]);
  });

  it("Ctrl-C at the prompt keeps its notice on screen", async () => {
    start();
    await waitForLine(/^>$/);
    pty?.type("half typed");
    await waitForLine(/^> half typed$/);
    pty?.type("\x03");
    await expect
      .poll(async () => (await screen()).slice(-3), { timeout: 20_000, interval: 50 })
      .toEqual(["> half typed", "(Ctrl-C again to exit, or type /bye)", ">"]);
  });

  it("shows a key the model streams in pieces as [redacted], never the key", async () => {
    // The test environment's OPENAI_API_KEY; the scripted server streams text in 5-character pieces.
    llm.enqueue({ text: "The key is sk-test-0123456789abcdef, do not share it.", chunkDelayMs: 10 });
    start();
    await ask("what is the key?");
    const lines = await waitForIdlePrompt("what is the key?");
    expect(nonEmpty(linesAfter(lines, "what is the key?"))).toEqual([
      "The key is [redacted], do not share it.",
    ]);
    expect(pty?.raw).not.toContain("0123456789abcdef");
  });

  it("shows the status line on its own line while the model works, and removes it after", async () => {
    llm.enqueue({ kind: "hang" });
    start();
    await ask("wait for it");
    await expect
      .poll(async () => (await screen()).at(-1), { timeout: 20_000, interval: 50 })
      .toBe("thinking · step 1/30 · 0 tokens");
    pty?.type("\x03");
    const shown = nonEmpty(linesAfter(await waitForIdlePrompt("wait for it"), "wait for it"));
    expect(shown).toEqual(["Interrupted."]);
  });

  it("runs a line typed and entered during a turn as the next prompt, and shows it", async () => {
    llm.enqueue({ text: "First.\nStill going.\nDone.", chunkDelayMs: 60 }, { text: "Second answer." });
    start();
    await ask("first");
    await waitForLine(/^First\./);
    pty?.type("second\r");
    const lines = await waitForIdlePrompt("second");
    expect(nonEmpty(linesAfter(lines, "first"))).toEqual(["First.", "Still going.", "Done."]);
    expect(nonEmpty(linesAfter(lines, "second"))).toEqual(["Second answer."]);
  });
});

describe("reasoning on a terminal", () => {
  it("shows streamed reasoning dimmed and apart, then the answer on its own lines", async () => {
    llm.enqueue({
      reasoning: "The user asks for a sum. 2 and 2 make 4.",
      text: "The sum is 4.",
      chunkDelayMs: 5,
    });
    start();
    await ask("what is 2 + 2?");
    await waitForIdlePrompt("what is 2 + 2?");
    const lines = (await renderStyledScreen(pty?.raw ?? "")).filter((line) => line.text !== "");
    const at = lines.findIndex((line) => line.text === "> what is 2 + 2?");
    expect(lines[at + 1]).toEqual({ text: "The user asks for a sum. 2 and 2 make 4.", dim: true });
    expect(lines[at + 2]).toEqual({ text: "The sum is 4.", dim: false });
    // Never sent back to the model.
    llm.enqueue({ text: "Next." });
    await ask("again");
    await waitForIdlePrompt("again");
    expect(llm.requests[1]?.raw).not.toContain("2 and 2 make 4");
  });
});

describe("print mode on a terminal", () => {
  it("writes only the answer to a redirected stdout while the terminal shows the activity", async () => {
    writeFileSync(join(workspace, "notes.txt"), "alpha\n");
    llm.enqueue(
      { text: "Reading.", toolCalls: [{ name: "read_file", arguments: { path: "notes.txt" } }] },
      { text: "The notes say alpha.", chunkDelayMs: 5 },
    );
    const out = join(workspace, "..", `answer-${Date.now()}.txt`);
    const env = { ...agentEnv({ baseURL: llm.baseURL }), TERM: "xterm-256color" };
    delete (env as Record<string, string | undefined>).NO_COLOR;
    const command = [process.execPath, ...agentArgs(["--workspace", workspace, "--sandbox", "local"])]
      .map((part) => `'${part}'`)
      .join(" ");
    pty = new PtySession("bash", ["-c", `${command} -p 'what do the notes say?' > '${out}'`], env, repoRoot);
    expect(await pty.exited).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("The notes say alpha.\n");
    const lines = await screen();
    expect(lines).toContain('● read_file path="notes.txt"');
    expect(lines.some((line) => /^ {2}⎿ 1 line · alpha/.test(line))).toBe(true);
  });
});
