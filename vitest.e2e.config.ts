// The end-to-end suite (npm run e2e): builds the images, drives the Compose stack and a real Docker engine.
// One file at a time, with budgets sized for image builds on a small machine.
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["ts-coding-agent-source"] },
  ssr: { resolve: { conditions: ["ts-coding-agent-source"] } },
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 1_200_000,
    pool: "forks",
    fileParallelism: false,
    reporters: ["default"],
  },
});
