import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["ts-coding-agent-source"] },
  ssr: { resolve: { conditions: ["ts-coding-agent-source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    reporters: ["default"],
  },
});
