// Keeps the unit lane honest: no file in it reaches (directly or through test helpers) the Docker support, the
// agent-spawning helpers, dockerode or node:child_process. The lane's setup file also makes any spawn throw.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { outsideUnitLane, unitLane } from "../vitest.unit.config.js";
import { repoRoot } from "./support/repo-root.js";

/** What a unit test may not import: each starts Docker, the agent or another process. */
const FORBIDDEN = [
  /(^|\/)docker-support(\.js)?$/,
  /(^|\/)run-agent(\.js)?$/,
  /(^|\/)spawn-collecting(\.js)?$/,
  /(^|\/)pty(\.js)?$/,
  /(^|\/)toolhost-harness(\.js)?$/,
  /^dockerode$/,
  /^node:child_process$/,
  /^child_process$/,
];

function globToRegExp(glob: string): RegExp {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*\*\//g, "<any-folders>")
    .replace(/\*/g, "[^/]*")
    .replace(/<any-folders>/g, "(?:.*/)?");
  return new RegExp(`^${pattern}$`);
}

function testFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? testFiles(join(dir, entry.name))
      : entry.name.endsWith(".test.ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

function laneFiles(): string[] {
  const included = unitLane.map(globToRegExp);
  const excluded = outsideUnitLane.map(globToRegExp);
  return testFiles("test").filter(
    (file) => included.some((re) => re.test(file)) && !excluded.some((re) => re.test(file)),
  );
}

/** Every module specifier `file` imports, following relative imports inside test/ (the helpers). */
function importsOf(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = readFileSync(join(repoRoot, file), "utf8");
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s*["']([^"']+)["']/g)]
    .concat([...source.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)])
    .map((match) => match[1] ?? "");
  const nested = specifiers
    .filter((spec) => spec.startsWith("."))
    .map((spec) => relative(repoRoot, resolve(repoRoot, dirname(file), spec.replace(/\.js$/, ".ts"))))
    .filter((target) => target.startsWith("test/"))
    .flatMap((target) => importsOf(target, seen));
  return [...specifiers, ...nested];
}

describe("the unit lane", () => {
  const files = laneFiles();

  it("holds the in-process tests, and leaves out Docker, the CLI and the end-to-end tests", () => {
    expect(files).toContain("test/unit-lane.test.ts");
    expect(files).toContain("test/loop/history.test.ts");
    expect(files.filter((file) => /^test\/(e2e|sandbox)\//.test(file))).toEqual([]);
    expect(files).not.toContain("test/cli/repl.test.ts");
    expect(files.length).toBeGreaterThan(30);
  });

  it("imports no Docker support, no agent-spawning helper and no child_process, not even through a helper", () => {
    // This file is the exception: it imports child_process to prove the guard stops it.
    const checked = files.filter((file) => file !== "test/unit-lane.test.ts");
    const offenders = checked.flatMap((file) =>
      importsOf(file)
        .filter((spec) => FORBIDDEN.some((re) => re.test(spec)))
        .map((spec) => `${file} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("makes starting any process throw, however child_process was imported", async () => {
    await import("./support/unit-lane-guard.js");
    const named = await import("node:child_process");
    const { createRequire } = await import("node:module");
    const required = createRequire(import.meta.url)("node:child_process") as typeof named;
    expect(() => named.spawn("node", ["--version"])).toThrow(/The unit lane starts no processes/);
    expect(() => named.execFileSync("node", ["--version"])).toThrow(/The unit lane starts no processes/);
    expect(() => required.fork("x.js")).toThrow(/The unit lane starts no processes/);
  });

  it("would catch a file that imports the Docker support through a helper", () => {
    expect(importsOf("test/sandbox/docker-launcher.test.ts").some((spec) => FORBIDDEN[0]?.test(spec))).toBe(
      true,
    );
    expect(importsOf("test/cli/repl.test.ts").some((spec) => FORBIDDEN.some((re) => re.test(spec)))).toBe(
      true,
    );
  });
});
