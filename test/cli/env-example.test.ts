// .env.example is the list of every variable: this keeps it true when config.ts gains one.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../agent/src/config.js";
import { builtinProviderNames, envPrefix } from "../../agent/src/llm/providers.js";
import { repoRoot } from "../support/repo-root.js";

const example = readFileSync(join(repoRoot, ".env.example"), "utf8");
const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
/** Standard variables the agent reads but users do not set for it. */
const platform = new Set(["HOME", "XDG_DATA_HOME"]);

describe(".env.example", () => {
  it("lists every variable config.ts reads", () => {
    const source = readFileSync(join(repoRoot, "agent/src/config.ts"), "utf8");
    const read = new Set(
      [
        ...source.matchAll(
          /env\.([A-Z][A-Z0-9_]*)|\(env, "([A-Z][A-Z0-9_]*)"|parse\(\s*"([A-Z][A-Z0-9_]*)"/g,
        ),
      ].map((m) => m[1] ?? m[2] ?? m[3]),
    );
    const missing = [...read].filter((name) => name && !platform.has(name) && !documented.has(name));
    expect(missing).toEqual([]);
    expect(read.size).toBeGreaterThan(20);
  });

  it("lists the base URL, model and key variables of every built-in provider", () => {
    for (const name of builtinProviderNames) {
      const prefix = envPrefix(name);
      for (const suffix of ["_BASE_URL", "_MODEL", "_API_KEY"])
        expect(documented).toContain(`${prefix}${suffix}`);
    }
  });

  it("gives the defaults when copied as it is to .env (empty means default), and the same with every value empty", () => {
    const values = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    );
    const blank = Object.fromEntries(Object.keys(values).map((name) => [name, ""]));
    const defaults = loadConfig([], { HOME: "/home/test", AGENT_IN_CONTAINER: "1" });
    for (const env of [values, blank]) {
      const config = loadConfig([], { HOME: "/home/test", ...env, AGENT_IN_CONTAINER: "1" });
      expect(config.provider).toBe("ollama");
      expect(config.mcpConfig).toEqual(defaults.mcpConfig);
      expect(config.workspaceDir).toBe("/workspace");
      expect(config.dataDir).toBe("/data");
      expect(config.sandbox).toEqual(defaults.sandbox);
      expect(config.providers).toEqual(defaults.providers);
      expect({ ...config.llm, steps: config.maxSteps, shell: config.shell, log: config.log }).toEqual({
        ...defaults.llm,
        steps: defaults.maxSteps,
        shell: defaults.shell,
        log: defaults.log,
      });
    }
  });
});
