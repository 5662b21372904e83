// With the docker sandbox a skill runs in a container of its own: the constructor trick finds no Docker socket,
// no network but loopback, no environment and no files, while `typescript` and its ctx work.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerLauncher } from "../../agent/src/sandbox/docker.js";
import { createSkillContext } from "../../agent/src/skills/skill-context.js";
import { compileSkill } from "../../agent/src/skills/skill-module.js";
import { runSkillProgram } from "../../agent/src/skills/skill-process.js";
import { MemoryTools } from "../support/memory-tools.js";
import {
  buildTestImage,
  removeDir,
  removeSessions,
  requireDocker,
  sandboxDir,
  sessionContainers,
  testLauncher,
} from "./docker-support.js";

let workspace: string;
let launcher: DockerLauncher;

beforeAll(async () => {
  await requireDocker();
  await buildTestImage();
  workspace = await sandboxDir("skill-program-ws-");
  launcher = testLauncher(workspace, { sessionId: `skill-program-${process.pid}` });
}, 900_000);

afterAll(async () => {
  await removeSessions(launcher.sessionId);
  await removeDir(workspace);
});

const PROBE = `
import ts from "typescript";
import type { SkillContext } from "../skill-api";
export async function run(_args: Record<string, unknown>, ctx: SkillContext) {
  const proc = (() => {}).constructor("return process")();
  const out: Record<string, unknown> = { env: Object.keys(proc.env).length, uid: proc.getuid() };
  out.interfaces = Object.keys(proc.getBuiltinModule("node:os").networkInterfaces());
  out.docker = await new Promise((resolve) => {
    const socket = proc.getBuiltinModule("node:net").connect("/var/run/docker.sock");
    socket.on("connect", () => resolve("connected"));
    socket.on("error", (error: { code?: string }) => resolve(error.code));
  });
  try { proc.getBuiltinModule("node:fs").readFileSync("/etc/passwd"); out.fs = "read"; } catch (error) { out.fs = (error as { code?: string }).code; }
  out.typescript = typeof ts.createSourceFile;
  out.read = (await ctx.tools.read_file({ path: "a.txt" })).text;
  return { ok: true, text: JSON.stringify(out) };
}
`;

it("runs a skill in a container with no socket, no network, no env and no files, its ctx working", async () => {
  const tools = new MemoryTools().add("read_file", async () => "via ctx");
  const signal = new AbortController().signal;
  const ctx = createSkillContext({
    skill: "probe",
    allowedTools: ["read_file"],
    tools,
    model: () => {
      throw new Error("no model in this test");
    },
    dryRun: false,
    signal,
    maxSteps: 1,
    historyBudgetTokens: 1_000,
    workspaceRoot: "/workspace",
    scrub: (text) => text,
    log: () => undefined,
  });
  const returned = await runSkillProgram(launcher.programs, {
    name: "probe",
    code: compileSkill("probe", PROBE).code,
    args: {},
    ctx,
    signal,
  });
  const report = JSON.parse(typeof returned === "string" ? returned : returned.text) as Record<
    string,
    unknown
  >;
  expect(report).toEqual({
    env: expect.any(Number),
    uid: 1000,
    interfaces: ["lo"],
    docker: "ENOENT",
    fs: "ERR_ACCESS_DENIED",
    typescript: "function",
    read: "via ctx",
  });
  // The image's own variables only (PATH, HOME, ...): none of the agent's.
  expect(report.env).toBeLessThan(8);
  expect(tools.calls).toEqual([{ name: "read_file", args: { path: "a.txt" } }]);
  await expect.poll(() => sessionContainers(launcher.sessionId), { timeout: 20_000 }).toEqual([]);
}, 180_000);
