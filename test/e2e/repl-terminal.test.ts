// The REPL as a person meets it: `docker compose run --rm agent` on a real pseudo terminal (Compose allocates
// the container's TTY, the image runs Node 24), its output rendered by a terminal emulator. Every line of a
// streamed answer and of a tool call must stay on screen.
import { afterAll, beforeAll, expect, it } from "vitest";
import { PtySession } from "../support/pty.js";
import { renderScreen } from "../support/screen.js";
import { ComposeStack, docker, repoRoot, type ScenarioStep } from "./compose-stack.js";

const scenarios: Record<string, ScenarioStep[]> = {
  answer: [{ text: "Hello there.\nThe answer is 42." }],
  tool: [
    {
      text: "Let me check.",
      toolCalls: [{ name: "shell", arguments: { command: "echo from-the-sandbox" } }],
    },
    { text: "The sandbox said hello." },
  ],
};

let stack: ComposeStack;
let pty: PtySession | undefined;

beforeAll(async () => {
  await docker.ping();
  stack = await ComposeStack.create(scenarios);
  const build = await stack.compose(["build"], 900_000);
  if (build.code !== 0) throw new Error(`docker compose build failed:\n${build.stderr.slice(-4000)}`);
  const up = await stack.compose(["up", "-d", "datetime-mcp", "python-mcp", "scripted-llm"], 180_000);
  if (up.code !== 0) throw new Error(`docker compose up failed:\n${up.stderr.slice(-4000)}`);
}, 1_200_000);

afterAll(async () => {
  pty?.kill();
  await stack?.down();
}, 300_000);

const screen = () => renderScreen(pty?.raw ?? "");

async function waitForLastLine(expected: string, timeout = 120_000): Promise<string[]> {
  await expect.poll(async () => (await screen()).at(-1), { timeout, interval: 100 }).toBe(expected);
  return screen();
}

it("keeps streamed answers and tool calls on screen in the REPL of `docker compose run --rm agent`", async () => {
  const env = { ...stack.env(), TERM: "xterm-256color" };
  pty = new PtySession("docker", stack.args(["run", "--rm", "agent"]), env, repoRoot);
  await waitForLastLine(">");
  pty.type("[[e2e:answer]] hello\r");
  await expect
    .poll(async () => (await screen()).includes("The answer is 42."), { timeout: 120_000 })
    .toBe(true);
  await waitForLastLine(">");
  pty.type("[[e2e:tool]] run something\r");
  await expect
    .poll(async () => (await screen()).includes("The sandbox said hello."), { timeout: 120_000 })
    .toBe(true);
  const lines = (await waitForLastLine(">")).filter((line) => line.trim() !== "");
  const first = lines.indexOf("> [[e2e:answer]] hello");
  expect(lines.slice(first + 1, first + 3)).toEqual(["Hello there.", "The answer is 42."]);
  const second = lines.indexOf("> [[e2e:tool]] run something");
  expect(lines[second + 1]).toBe("Let me check.");
  expect(lines[second + 2]).toBe('● shell command="echo from-the-sandbox"');
  expect(lines.slice(second + 3).some((line) => /⎿ exit 0 · 1 line · from-the-sandbox/.test(line))).toBe(
    true,
  );
  expect(lines.at(-2)).toBe("The sandbox said hello.");
  pty.type("/bye\r");
  expect(await pty.exited).toBe(0);
});
