// docker-compose.yml passes every setting of .env.example to the agent container: each is interpolated from
// .env (`${NAME:-}`), or fixed to a mount path and marked "Compose:" in .env.example. The end-to-end test
// checks what a real container receives; this one keeps the file and the list in step without Docker.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/repo-root.js";

interface ExampleVariable {
  name: string;
  value: string;
  /** The comment lines right above it. */
  comment: string;
  /** Listed under "Compose only": read by docker-compose.yml, not by the agent. */
  composeOnly: boolean;
}

function readExample(): ExampleVariable[] {
  const variables: ExampleVariable[] = [];
  let comment: string[] = [];
  let afterVariable = false;
  let composeOnly = false;
  for (const line of readFileSync(join(repoRoot, ".env.example"), "utf8").split("\n")) {
    if (line.startsWith("# ──")) {
      composeOnly = /Compose only/.test(line);
      comment = [];
    } else if (line.startsWith("#")) {
      if (afterVariable) comment = [];
      comment.push(line);
    } else if (/^[A-Z][A-Z0-9_]*=/.test(line)) {
      const [name = "", ...rest] = line.split("=");
      // A comment above a group of variables (SKILLS_DIR and PLAYBOOKS_DIR) covers the whole group.
      variables.push({ name, value: rest.join("="), comment: comment.join("\n"), composeOnly });
    } else {
      comment = [];
    }
    afterVariable = /^[A-Z]/.test(line);
  }
  return variables;
}

const example = readExample();
const composeText = readFileSync(join(repoRoot, "docker-compose.yml"), "utf8");
const compose = parse(composeText) as { services: Record<string, { environment?: Record<string, string> }> };
const agentEnvironment = compose.services.agent?.environment ?? {};

describe("docker-compose.yml and .env.example", () => {
  it("passes every agent setting of .env.example to the agent container", () => {
    const missing = example.filter((v) => !v.composeOnly && !(v.name in agentEnvironment)).map((v) => v.name);
    expect(missing).toEqual([]);
    expect(example.filter((v) => !v.composeOnly).length).toBeGreaterThan(40);
  });

  it("interpolates each from .env, defaulting to the agent's own default, unless marked as fixed by Compose", () => {
    for (const variable of example.filter((v) => !v.composeOnly)) {
      const value = String(agentEnvironment[variable.name]);
      const interpolated = /^\$\{([A-Z0-9_]+):-(.*)\}$/.exec(value);
      if (interpolated) {
        expect(interpolated[1], variable.name).toBe(variable.name);
        expect(["", variable.value], variable.name).toContain(interpolated[2]);
      } else {
        expect(value, `${variable.name} is fixed, so .env.example must say so`).not.toContain("${");
        expect(variable.comment, `${variable.name} is fixed to ${value} by Compose`).toContain("Compose:");
      }
    }
  });

  it("documents every variable the agent container gets", () => {
    const documented = new Set(example.map((v) => v.name));
    expect(Object.keys(agentEnvironment).filter((name) => !documented.has(name))).toEqual([]);
  });

  it("reads each Compose-only setting with the default .env.example shows", () => {
    const composeOnly = example.filter((v) => v.composeOnly);
    expect(composeOnly.map((v) => v.name)).toEqual([
      "DOCKER_GID",
      "AGENT_WORKSPACE",
      "AGENT_DYNAMIC_TOOLS",
      "AGENT_CONFIG",
      "REDIS_PASSWORD",
    ]);
    for (const variable of composeOnly) {
      expect(composeText).toContain(`\${${variable.name}:-${variable.value}}`);
      expect(variable.name in agentEnvironment).toBe(false);
    }
  });
});
