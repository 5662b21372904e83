// Dynamic tools inside the Docker sandbox, on the image's Node 24: create_tool saves and loads a tool, the call
// runs under Node's permission model there too (its flags differ from Node 20's), sees no environment, reaches
// only the workspace, and has neither node:sqlite (which writes files past the permission model) nor process.kill.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerLauncher } from "../../agent/src/sandbox/docker.js";
import {
  buildTestImage,
  connect,
  removeDir,
  removeSessions,
  requireDocker,
  sandboxDir,
  testLauncher,
} from "./docker-support.js";

let workspace: string;
let dynamicTools: string;
let launcher: DockerLauncher | undefined;

beforeAll(async () => {
  await requireDocker();
  await buildTestImage();
  workspace = await sandboxDir("docker-dyn-ws-");
  dynamicTools = await sandboxDir("docker-dyn-tools-");
}, 900_000);

afterAll(async () => {
  await launcher?.dispose();
  if (launcher) await removeSessions(launcher.sessionId);
  await removeDir(workspace);
  await removeDir(dynamicTools);
});

it("creates a tool and runs it sandboxed in the container: workspace via ctx only, no env, no fs", async () => {
  await writeFile(`${workspace}/words.txt`, "one two three four\n");
  launcher = testLauncher(workspace, { dynamicToolsDir: dynamicTools });
  const { call, client } = await connect(launcher);
  const code = `export default async function (args: { path: string }, ctx: { readFile(path: string): Promise<string> }) {
    const words = (await ctx.readFile(args.path)).trim().split(/\\s+/).length;
    let fsDenied = "no";
    try { (await import("node:fs")).readFileSync("/etc/hostname"); } catch (e) { fsDenied = String((e as { code?: string }).code); }
    let sqliteDenied = "no";
    try {
      const { DatabaseSync } = await import("node:sqlite" as string);
      new DatabaseSync("/workspace/written-by-sqlite.db").exec("create table t(a)");
    } catch (e) { sqliteDenied = String((e as { code?: string }).code); }
    let killDenied = "no";
    try { process.kill(process.ppid, 0); } catch (e) { killDenied = String((e as { code?: string }).code); }
    return { words, env: Object.keys(process.env).length, node: process.version, fsDenied, sqliteDenied, killDenied };
  }`;
  const created = await call("create_tool", {
    name: "probe",
    description: "Counts words and reports its sandbox.",
    parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
    code,
  });
  expect(created.isError, created.text).toBe(false);
  const listed = await client.listTools();
  expect(listed.tools.map((t) => t.name)).toContain("probe");
  const result = await call("probe", { path: "words.txt" });
  expect(result.isError, result.text).toBe(false);
  const report = JSON.parse(result.text) as Record<string, unknown>;
  expect(report).toMatchObject({
    words: 4,
    env: 0,
    fsDenied: "ERR_ACCESS_DENIED",
    sqliteDenied: "ERR_UNKNOWN_BUILTIN_MODULE",
    killDenied: "ERR_ACCESS_DENIED",
  });
  expect(report.node).toMatch(/^v24\./);
  expect(existsSync(`${workspace}/written-by-sqlite.db`)).toBe(false);
}, 180_000);
