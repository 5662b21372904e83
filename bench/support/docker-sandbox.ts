// The Docker sandbox for the benchmarks: the real DockerLauncher behind a ToolHub, on the locally built
// agent image (BENCH_SANDBOX_IMAGE, default ts-coding-agent:latest; never pulled, build it with compose).
import { ToolHub } from "../../agent/src/hub/tool-hub.js";
import { DockerLauncher } from "../../agent/src/sandbox/docker.js";
import { check } from "./bounded.js";
import { dockerReady } from "./docker-box.js";

export const SANDBOX_IMAGE = process.env.BENCH_SANDBOX_IMAGE || "ts-coding-agent:latest";

/** True when Docker answers and the agent image is present. */
export function dockerSandboxReady(): Promise<boolean> {
  return dockerReady(SANDBOX_IMAGE);
}

/** A ToolHub whose toolhost runs in a fresh hardened sandbox container, connected and listing its tools. */
export async function dockerHub(workspace: string): Promise<ToolHub> {
  const launcher = new DockerLauncher({
    image: SANDBOX_IMAGE,
    workspace,
    network: "none",
    installNetwork: "none",
    installAllowUrls: false,
    limits: { memoryMb: 1024, cpus: 1, pidsLimit: 256 },
  });
  const hub = new ToolHub({ launcher, servers: [] });
  const tools = await hub.listTools();
  check(
    tools.some((tool) => tool.name === "shell"),
    "the Docker toolhost listed no shell tool",
  );
  return hub;
}
