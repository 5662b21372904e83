// run_code inside the Docker sandbox, on the image's Node 24, through the real hub: calls from the code come
// back to the hub and reach the toolhost's tools, artifacts land in the workspace, and the code has no network
// (the container's network is none) and no environment.
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCodeCallHandler } from "../../agent/src/code-mode/code-calls.js";
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import type { DockerLauncher } from "../../agent/src/sandbox/docker.js";
import {
  buildTestImage,
  removeDir,
  removeSessions,
  requireDocker,
  sandboxDir,
  testLauncher,
} from "./docker-support.js";

let workspace: string;
let launcher: DockerLauncher | undefined;
let hub: ToolHub | undefined;

beforeAll(async () => {
  await requireDocker();
  await buildTestImage();
  workspace = await sandboxDir("docker-code-ws-");
}, 900_000);

afterAll(async () => {
  await hub?.close();
  if (launcher) await removeSessions(launcher.sessionId);
  await removeDir(workspace);
});

it("runs code in the container that calls tools through the hub, saves artifacts, and has no network or env", async () => {
  await writeFile(`${workspace}/a.txt`, "20\n");
  await writeFile(`${workspace}/b.txt`, "22\n");
  launcher = testLauncher(workspace);
  hub = new ToolHub({ launcher, servers: [], toolhostConnectTimeoutMs: 120_000 });
  hub.serveToolhostRequests([createCodeCallHandler({ tools: hub, scrub: (text) => text })]);
  const result = await hub.callTool(
    "run_code",
    {
      code: `const values = await Promise.all(["a.txt", "b.txt"].map((path) => tools.read_file({ path })));
const total = values.reduce((sum, text) => sum + Number(text), 0);
await artifacts.save("total.json", { total });
const uname = await tools.shell({ command: "uname -s" });
let network = "allowed";
try { await fetch("http://1.1.1.1/", { signal: AbortSignal.timeout(5000) }); } catch (error) { network = String(error.cause?.code ?? error.name); }
return { total, uname: uname.split("\\n")[0], node: process.version, env: Object.keys(process.env).length, network };`,
    },
    { signal: new AbortController().signal },
  );
  expect(result.isError, result.text).toBe(false);
  const value = JSON.parse(result.text);
  expect(value).toMatchObject({ total: 42, uname: "Linux", env: 0 });
  expect(value.node).toMatch(/^v24\./);
  expect(value.network).not.toBe("allowed");
  expect(JSON.parse(await readFile(`${workspace}/.agent/artifacts/total.json`, "utf8"))).toEqual({
    total: 42,
  });
}, 300_000);
