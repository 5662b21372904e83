// The unit lane (npm run test:unit): tests that run in this process only, with no Docker, no agent process and
// no other child process; test/support/unit-lane-guard.ts makes starting one fail. npm test runs everything.
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/** Folders and files whose tests run in process. */
export const unitLane = [
  "test/*.test.ts",
  "test/llm/**/*.test.ts",
  "test/keys/**/*.test.ts",
  "test/hub/**/*.test.ts",
  "test/loop/**/*.test.ts",
  "test/playbooks/**/*.test.ts",
  "test/instructions/**/*.test.ts",
  "test/mcp-servers/kit/**/*.test.ts",
  "test/mcp-servers/datetime/time-service.test.ts",
  "test/cli/config.test.ts",
  "test/cli/compose-env.test.ts",
  "test/cli/env-example.test.ts",
  "test/cli/settings-table.test.ts",
  "test/skills/args.test.ts",
  "test/skills/skill-md.test.ts",
  "test/code-mode/schema-to-ts.test.ts",
];

/** Files in those folders that start processes (the toolhost, MCP servers, xxd and od, helper programs). */
export const outsideUnitLane = [
  "test/hub/tool-hub-stdio.test.ts",
  "test/hub/tool-hub-http.test.ts",
  "test/hub/install-dependency-tools.test.ts",
  "test/keys/secrets.test.ts",
  "test/keys/atomic-write.test.ts",
  "test/keys/keystore-rotation.test.ts",
  "test/keys/keystore-concurrency.test.ts",
  "test/loop/real-models.test.ts",
  "test/loop/real-tools.test.ts",
];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: unitLane,
    exclude: [...outsideUnitLane, "test/e2e/**", "**/node_modules/**"],
    setupFiles: ["test/support/unit-lane-guard.ts"],
    // Worker threads start faster than forked processes, and the files share one module graph per worker
    // (isolate: false): nothing in this lane needs its own process or fresh modules, and imports were most of
    // its time (measured: 1 min 25 s isolated, 34 s shared, at the same load).
    pool: "threads",
    isolate: false,
  },
});
