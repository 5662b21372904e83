// The toolhost server's contract for its clients and for later features: the five tools with compact schemas,
// tools added after connect announced with tools/list_changed, and a failing handler that never crashes it.
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { encode } from "gpt-tokenizer";
import { afterEach, beforeEach, expect, it } from "vitest";
import { z } from "zod";
import { toLlmParameters } from "../../../agent/src/hub/tool-names.js";
import { parseToolhostArgs, UsageError } from "../../../mcp-servers/toolhost/src/cli-args.js";
import { type InProcessToolhost, makeSandbox, type Sandbox, startInProcess } from "./toolhost-harness.js";

let sandbox: Sandbox;
let host: InProcessToolhost;

beforeEach(async () => {
  sandbox = await makeSandbox();
  host = await startInProcess(sandbox.workspace);
});

afterEach(async () => {
  await host.close();
  await sandbox.remove();
});

it("lists the six built-in tools with the DESIGN §3 parameters in about 700 tokens, and run_code", async () => {
  const { tools } = await host.client.listTools();
  const byName = Object.fromEntries(
    tools.map((tool) => [tool.name, Object.keys(tool.inputSchema.properties ?? {})]),
  );
  expect(byName).toEqual({
    list_files: ["path", "recursive", "max_depth"],
    read_file: ["path", "offset", "limit"],
    write_file: ["path", "content"],
    edit_file: ["path", "old_text", "new_text", "replace_all"],
    shell: ["command", "timeout_seconds"],
    install_dependency: ["manager", "packages"],
    run_code: ["code", "timeout_seconds"],
  });
  // run_code is offered only with TOOL_MODE=code or both (its API then goes in the system prompt).
  const sent = (list: typeof tools) =>
    list.map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        description: tool.description,
        parameters: toLlmParameters(tool.inputSchema),
      },
    }));
  const calls = tools.filter((tool) => tool.name !== "run_code");
  expect(encode(JSON.stringify(sent(calls))).length).toBeLessThan(700);
  const runCode = tools.filter((tool) => tool.name === "run_code");
  expect(encode(JSON.stringify(sent(runCode))).length).toBeLessThan(200);
});

it("announces a tool added after connect with tools/list_changed, and its removal too", async () => {
  let changes = 0;
  host.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes++;
  });
  const added = host.toolhost.addTool({
    name: "echo_back",
    description: "Echo.",
    inputShape: { text: z.string() },
    handler: async (args) => ({ text: args.text }),
  });
  await expect.poll(() => changes).toBe(1);
  expect((await host.call("echo_back", { text: "hi" })).text).toBe("hi");
  added.remove();
  await expect.poll(() => changes).toBe(2);
  expect((await host.client.listTools()).tools.map((tool) => tool.name)).not.toContain("echo_back");
});

it("turns an unexpected throw into an error result and keeps serving", async () => {
  host.toolhost.addTool({
    name: "broken",
    description: "Always fails.",
    inputShape: {},
    handler: async () => {
      throw new TypeError("boom");
    },
  });
  expect(await host.call("broken", {})).toEqual({
    text: "broken failed unexpectedly: boom. Try again or use another tool.",
    isError: true,
  });
  expect((await host.call("list_files", {})).isError).toBe(false);
});

it("parses the command line with defaults and refuses bad values with a UsageError", () => {
  expect(parseToolhostArgs(["--workspace", "/w"])).toEqual({
    workspace: "/w",
    shellTimeoutSeconds: 120,
    shellMaxTimeoutSeconds: 600,
  });
  expect(
    parseToolhostArgs([
      "--workspace",
      "/w",
      "--dynamic-tools",
      "/d",
      "--shell-timeout",
      "5",
      "--shell-max-timeout",
      "9",
    ]),
  ).toEqual({ workspace: "/w", dynamicToolsDir: "/d", shellTimeoutSeconds: 5, shellMaxTimeoutSeconds: 9 });
  for (const bad of [
    [],
    ["--workspace"],
    ["--workspace", "/w", "--shell-timeout", "abc"],
    ["--workspace", "/w", "x"],
  ]) {
    expect(() => parseToolhostArgs(bad)).toThrow(UsageError);
  }
  expect(() => parseToolhostArgs(["--workspace", "/w", "--shell-timeout", "0"])).toThrow(
    /between 1 and 86400/,
  );
});
