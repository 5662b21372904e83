// Project instructions from real folders: AGENTS.md (else CLAUDE.md) from the workspace up to the git root,
// the user's file under DATA_DIR, general first, and a byte cap that cuts the most general files first.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  describeInstructionFiles,
  loadInstructions,
  ProjectInstructions,
} from "../../agent/src/instructions/project-instructions.js";

/** outer/AGENTS.md (above the repo) · repo/.git · repo/AGENTS.md · repo/pkg/CLAUDE.md · repo/pkg/app (workspace). */
function tree() {
  const outer = mkdtempSync(join(tmpdir(), "instr-"));
  const repo = join(outer, "repo");
  const pkg = join(repo, "pkg");
  const workspace = join(pkg, "app");
  mkdirSync(join(repo, ".git"), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(outer, "AGENTS.md"), "OUTSIDE THE REPO\n");
  writeFileSync(join(repo, "AGENTS.md"), "repo rules: use pnpm\n");
  writeFileSync(join(pkg, "CLAUDE.md"), "pkg rules: tabs\n");
  const dataDir = mkdtempSync(join(tmpdir(), "instr-data-"));
  return { outer, repo, pkg, workspace, dataDir };
}

describe("project instructions", () => {
  it("reads AGENTS.md, else CLAUDE.md, from the workspace up to the git root, general first", () => {
    const t = tree();
    writeFileSync(join(t.workspace, "AGENTS.md"), "app rules: run make test\n");
    writeFileSync(join(t.workspace, "CLAUDE.md"), "NOT READ: the folder has an AGENTS.md\n");
    const loaded = loadInstructions({ workspaceRoot: t.workspace, dataDir: t.dataDir, maxBytes: 32_768 });
    expect(loaded.files.map((f) => f.label)).toEqual(["../../AGENTS.md", "../CLAUDE.md", "AGENTS.md"]);
    expect(loaded.section).toMatch(
      /repo rules: use pnpm[\s\S]*pkg rules: tabs[\s\S]*app rules: run make test/,
    );
    expect(loaded.section).not.toContain("OUTSIDE THE REPO");
    expect(loaded.section).not.toContain("NOT READ");
  });

  it("reads only the workspace's file when the workspace is in no git repository", () => {
    const outer = mkdtempSync(join(tmpdir(), "instr-nogit-"));
    const workspace = join(outer, "ws");
    mkdirSync(workspace);
    writeFileSync(join(outer, "AGENTS.md"), "above, no repo\n");
    writeFileSync(join(workspace, "CLAUDE.md"), "ws claude rules\n");
    const loaded = loadInstructions({ workspaceRoot: workspace, dataDir: outer, maxBytes: 1_000 });
    expect(loaded.files.map((f) => f.label)).toEqual([join(outer, "AGENTS.md"), "CLAUDE.md"]);
    expect(loaded.files[0]?.scope).toBe("user"); // outer doubles as DATA_DIR here
  });

  it("adds the user's own file from DATA_DIR, before the project's", () => {
    const t = tree();
    writeFileSync(join(t.dataDir, "AGENTS.md"), "always answer in British English\n");
    const loaded = loadInstructions({ workspaceRoot: t.workspace, dataDir: t.dataDir, maxBytes: 32_768 });
    expect(loaded.files[0]).toMatchObject({ scope: "user", path: join(t.dataDir, "AGENTS.md") });
    expect(loaded.section).toMatch(/the user's own, for every project\)\nalways answer in British English/);
  });

  it("keeps the most specific files under the cap, and says what it cut or left out", () => {
    const t = tree();
    writeFileSync(join(t.workspace, "AGENTS.md"), `${"workspace line\n".repeat(40)}`); // 600 bytes
    writeFileSync(join(t.pkg, "CLAUDE.md"), `${"pkg line\n".repeat(100)}`); // 900 bytes
    writeFileSync(join(t.dataDir, "AGENTS.md"), "user file\n");
    const loaded = loadInstructions({ workspaceRoot: t.workspace, dataDir: t.dataDir, maxBytes: 1_000 });
    const byLabel = Object.fromEntries(loaded.files.map((f) => [f.label, f]));
    expect(byLabel["AGENTS.md"]?.included).toBe(600);
    expect(byLabel["../CLAUDE.md"]?.included).toBeLessThan(900);
    expect(byLabel["../CLAUDE.md"]?.included).toBeGreaterThan(0);
    expect(byLabel["../../AGENTS.md"]?.included).toBe(0);
    expect(loaded.files.reduce((sum, f) => sum + f.included, 0)).toBeLessThanOrEqual(1_000);
    expect(loaded.section).toMatch(
      /\[cut here: \d+ of 900 bytes left out to keep the instructions under 1000/,
    );
    expect(loaded.section).toMatch(/Left out to keep under 1000 bytes: .*\.\.\/\.\.\/AGENTS\.md/);
    const lines = describeInstructionFiles(loaded);
    expect(lines).toContain("AGENTS.md (600 B)");
    expect(lines.find((l) => l.startsWith("../CLAUDE.md"))).toMatch(
      /cut to \d+ B of 900 B by INSTRUCTIONS_MAX_BYTES=1000/,
    );
    expect(lines.find((l) => l.startsWith("../../AGENTS.md"))).toMatch(
      /left out: over INSTRUCTIONS_MAX_BYTES/,
    );
  });

  it("reads nothing with INSTRUCTIONS_MAX_BYTES=0, and reloads what changed", () => {
    const t = tree();
    expect(loadInstructions({ workspaceRoot: t.workspace, dataDir: t.dataDir, maxBytes: 0 }).files).toEqual(
      [],
    );
    const instructions = new ProjectInstructions({
      workspaceRoot: t.workspace,
      dataDir: t.dataDir,
      maxBytes: 5_000,
    });
    expect(instructions.current.section).not.toContain("fresh rules");
    writeFileSync(instructions.workspaceFile, "fresh rules\n");
    expect(instructions.reload().section).toContain("fresh rules");
  });
});
