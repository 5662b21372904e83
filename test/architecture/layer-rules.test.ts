// The layer rules npm run check enforces (.dependency-cruiser.cjs, ADR 014) catch what they promise: run on a
// small tree laid out like the agent's, each wrong-way import fails with its rule's name; the real tree passes.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repoRoot = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
const depcruise = join(repoRoot, "node_modules", ".bin", "depcruise");
const config = join(repoRoot, ".dependency-cruiser.cjs");

/** Violations as `rule: from → to`, from depcruise's JSON output over `paths` in `cwd`. */
async function violations(cwd: string, paths: string[]): Promise<string[]> {
  const { stdout } = await run(depcruise, [...paths, "--config", config, "--output-type", "json"], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(stdout) as {
    summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
  };
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

let tree: string | undefined;
afterAll(async () => {
  if (tree) await rm(tree, { recursive: true, force: true });
});

describe("layer rules", () => {
  it("name each wrong-way import: upwards, into a server's internals, out of a server, and cycles", async () => {
    tree = await mkdtemp(join(tmpdir(), "layers-"));
    const files: Record<string, string> = {
      "tsconfig.json": JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" },
      }),
      "agent/src/hub/tool-hub.ts": "export const hub = 1;\n",
      "agent/src/sandbox/docker.ts": 'import { hub } from "../hub/tool-hub.js";\nexport const d = hub;\n',
      "agent/src/loop/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
      "agent/src/loop/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
      "agent/src/skills/diff.ts":
        'import { x } from "../../../mcp-servers/toolhost/src/text-diff.js";\nexport const y = x;\n',
      "mcp-servers/toolhost/src/index.ts": 'export { x } from "./text-diff.js";\n',
      "mcp-servers/toolhost/src/text-diff.ts":
        'import { a } from "../../../agent/src/loop/a.js";\nexport const x = a;\n',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(tree, path)), { recursive: true });
      await writeFile(join(tree, path), text);
    }
    const found = await violations(tree, ["agent/src", "mcp-servers"]);
    expect(found.filter((line) => !line.startsWith("no-circular"))).toEqual([
      "mcp-servers-stand-alone: mcp-servers/toolhost/src/text-diff.ts → agent/src/loop/a.ts",
      "mcp-servers-through-their-index: agent/src/skills/diff.ts → mcp-servers/toolhost/src/text-diff.ts",
      "sandbox-below-hub: agent/src/sandbox/docker.ts → agent/src/hub/tool-hub.ts",
    ]);
    // The cycle is reported once, from whichever of its two modules the cruise met first.
    expect(found.filter((line) => line.startsWith("no-circular"))).toEqual([
      expect.stringMatching(/^no-circular: agent\/src\/loop\/[ab]\.ts → agent\/src\/loop\/[ab]\.ts$/),
    ]);
  });

  it("find nothing in the agent and the MCP servers as they are", async () => {
    expect(await violations(repoRoot, ["agent/src", "mcp-servers"])).toEqual([]);
  }, 120_000);
});
