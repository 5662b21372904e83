// The whole path with real parts: a scripted model calls create_tool through the agent loop, the hub and the
// real toolhost child process (LocalLauncher), then calls the new tool in the very next step, and after a
// restart of the agent side the tool is still there.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import type { ChatMessage } from "../../agent/src/llm/messages.js";
import { LocalLauncher } from "../../agent/src/sandbox/local.js";
import { type Harness, startHarness } from "../loop/harness.js";
import {
  type DynamicDirs,
  makeDirs,
  PATH_SCHEMA,
  WORD_COUNT_CODE,
} from "../mcp-servers/toolhost/dynamic-harness.js";
import type { RecordedRequest } from "../support/scripted-llm.js";

let dirs: DynamicDirs;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  dirs = await makeDirs();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await dirs.remove();
});

/** An agent side (hub + loop + scripted model) over a fresh toolhost process on the same folders. */
async function startAgent(): Promise<{ hub: ToolHub; harness: Harness }> {
  const hub = new ToolHub({
    launcher: new LocalLauncher({
      workspace: dirs.workspace,
      dynamicToolsDir: dirs.toolsDir,
      shellTimeoutSeconds: 30,
    }),
    servers: [],
  });
  const harness = await startHarness(hub);
  cleanups.push(async () => {
    await harness.close();
    await hub.close();
  });
  return { hub, harness };
}

const toolNamesOffered = (request: RecordedRequest) =>
  (request.body.tools ?? []).map((tool) => tool.function.name);
const toolTexts = (harness: Harness) =>
  harness.history.messages
    .filter((message): message is Extract<ChatMessage, { role: "tool" }> => message.role === "tool")
    .map((message) => message.content);

describe("create_tool in the agent loop", () => {
  it("lets the model create word_count and call it in the next step, with the right count", async () => {
    const { harness } = await startAgent();
    harness.llm.enqueue(
      {
        toolCalls: [
          {
            name: "create_tool",
            arguments: {
              name: "word_count",
              description: "Counts the words in a workspace file.",
              parameters: PATH_SCHEMA,
              code: WORD_COUNT_CODE,
            },
          },
        ],
      },
      (request) => {
        // The tool list of the very next request already offers the new tool.
        expect(toolNamesOffered(request)).toContain("word_count");
        return { toolCalls: [{ name: "word_count", arguments: { path: "words.txt" } }] };
      },
      { text: "words.txt has 7 words." },
    );
    const result = await harness.run("How many words are in words.txt? Write a tool for it.");
    expect(result).toMatchObject({ reason: "done", text: "words.txt has 7 words.", steps: 3 });
    const [created, counted] = toolTexts(harness);
    expect(created).toContain("Created the tool word_count");
    expect(counted).toBe("7 words in words.txt");
    expect(toolNamesOffered(harness.llm.requests[0] as RecordedRequest)).not.toContain("word_count");
  });

  it("keeps the tool across a restart of the agent and its toolhost", async () => {
    const first = await startAgent();
    first.harness.llm.enqueue(
      {
        toolCalls: [
          {
            name: "create_tool",
            arguments: {
              name: "word_count",
              description: "Counts words.",
              parameters: PATH_SCHEMA,
              code: WORD_COUNT_CODE,
            },
          },
        ],
      },
      { text: "Created." },
    );
    await first.harness.run("Make a word counter.");
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();

    const second = await startAgent();
    second.harness.llm.enqueue(
      { toolCalls: [{ name: "word_count", arguments: { path: "words.txt" } }] },
      { text: "7." },
    );
    const result = await second.harness.run("Count the words in words.txt.");
    expect(result).toMatchObject({ reason: "done", text: "7." });
    expect(toolNamesOffered(second.harness.llm.requests[0] as RecordedRequest)).toContain("word_count");
    expect(toolTexts(second.harness)).toEqual(["7 words in words.txt"]);
  });

  it("reports a tool that fails to load through the hub, for /tools", async () => {
    const { hub, harness } = await startAgent();
    harness.llm.enqueue({ text: "ok" });
    await harness.run("hello");
    expect(await hub.dynamicToolProblems()).toEqual([]);
    const { writeToolFolder, sha256Of } = await import(
      "../../mcp-servers/toolhost/src/dynamic/tool-files.js"
    );
    const code = "export default async () => {";
    await writeToolFolder(
      dirs.toolsDir,
      {
        name: "half_done",
        description: "Broken.",
        parameters: PATH_SCHEMA,
        sha256: sha256Of(code),
        createdAt: "now",
      },
      code,
    );
    const problems = await hub.dynamicToolProblems();
    expect(problems).toEqual([
      { name: "half_done", reason: expect.stringContaining("Syntax error in the code") },
    ]);
  });
});
