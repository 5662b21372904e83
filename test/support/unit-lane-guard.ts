// Setup file of the unit lane (vitest.unit.config.ts): every way to start a child process throws, so a unit
// test that starts the agent, a toolhost, Docker or any other program fails at once instead of slowing the lane.
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";

const starters = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;

for (const name of starters) {
  Object.defineProperty(childProcess, name, {
    configurable: true,
    writable: true,
    value: (file: unknown) => {
      throw new Error(
        `The unit lane starts no processes (child_process.${name}(${JSON.stringify(file)})): ` +
          "move this test out of the lane in vitest.unit.config.ts, or keep it in process.",
      );
    },
  });
}
// ESM imports of node:child_process read the CommonJS module's exports only after this sync.
syncBuiltinESMExports();
