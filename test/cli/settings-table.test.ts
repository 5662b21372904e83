// The settings table is the one source: the checked-in .env.example and --help's environment section are what
// it renders, and every default it gives is one loadConfig accepts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { usageText } from "../../agent/src/cli/usage.js";
import { loadConfig } from "../../agent/src/config.js";
import { SETTINGS, type Setting } from "../../agent/src/settings.js";
import { renderEnvExample, renderEnvHelp } from "../../agent/src/settings-text.js";
import { repoRoot } from "../support/repo-root.js";

const rows = Object.entries(SETTINGS) as [string, Setting][];

describe("the settings table", () => {
  it("renders the checked-in .env.example exactly (run npm run gen:env after changing the table)", () => {
    expect(readFileSync(join(repoRoot, ".env.example"), "utf8")).toBe(renderEnvExample());
  });

  it("renders the environment section of --help, which names every variable the agent reads", () => {
    expect(usageText.endsWith(renderEnvHelp())).toBe(true);
    for (const [name, row] of rows) {
      if (row.section === "compose") expect(usageText).not.toContain(name);
      else expect(usageText).toMatch(new RegExp(`\\b${name}\\b`));
    }
    expect(usageText).toContain(`(MAX_STEPS, default ${SETTINGS.MAX_STEPS.default})`);
  });

  it("never shows a value for a secret in --help, and marks every key and master key secret", () => {
    for (const [name, row] of rows) {
      if (/_API_KEY$|MASTER_KEY$/.test(name)) expect(row.secret, name).toBe(true);
      if (row.secret) expect(renderEnvHelp()).not.toContain(`${name}=`);
    }
  });

  it("gives only defaults its own validation accepts", () => {
    for (const [name, row] of rows) {
      if (row.parse && row.default !== "")
        expect(row.parse.schema.safeParse(row.default).success, name).toBe(true);
    }
  });

  it("is what loadConfig falls back to and validates with", () => {
    const env = { HOME: "/home/test", DATA_DIR: "/tmp/agent-data-test", AGENT_IN_CONTAINER: "0" };
    const config = loadConfig([], env);
    expect(config.maxSteps).toBe(Number(SETTINGS.MAX_STEPS.default));
    expect(config.sandbox.cpus).toBe(Number(SETTINGS.SANDBOX_CPUS.default));
    expect(config.sandbox.image).toBe(SETTINGS.SANDBOX_IMAGE.default);
    expect(config.provider).toBe(SETTINGS.LLM_PROVIDER.default);
    expect(config.log.level).toBe(SETTINGS.LOG_LEVEL.default);
    expect(() => loadConfig([], { ...env, SANDBOX_PIDS_LIMIT: "lots" })).toThrow(
      `Invalid SANDBOX_PIDS_LIMIT="lots": expected ${SETTINGS.SANDBOX_PIDS_LIMIT.parse.accepted}.`,
    );
    expect(() => loadConfig(["--max-steps", "0"], env)).toThrow(
      `Invalid --max-steps "0": expected ${SETTINGS.MAX_STEPS.parse.accepted}.`,
    );
  });
});
