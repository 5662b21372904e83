// Summarizes V8 CPU profiles (from BENCH_CPU_PROF=<dir> npm run bench -- loop, or node --cpu-prof): self
// time by function and by module, so a missed target comes with the frames that explain it.
// Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile|dir> [top=25]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

/** Self time (ms) by function and by module over one or more profiles. */
export interface ProfileSummary {
  /** Total sampled time, ms. */
  totalMs: number;
  /** Self ms by "function (module:line)", highest first. */
  functions: Array<[string, number]>;
  /** Self ms by module (a package, a file of ours, node internals, GC, idle), highest first. */
  modules: Array<[string, number]>;
}

export function summarizeProfiles(files: readonly string[]): ProfileSummary {
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  let totalMs = 0;
  for (const file of files) {
    const profile = profileSchema.parse(JSON.parse(readFileSync(file, "utf8")));
    const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id);
      const deltaMs = (profile.timeDeltas[i] ?? 0) / 1000;
      if (!frame) return;
      totalMs += deltaMs;
      const module = moduleOf(frame.url, frame.functionName);
      const name = `${frame.functionName || "(anonymous)"} (${module}:${frame.lineNumber + 1})`;
      functions.set(name, (functions.get(name) ?? 0) + deltaMs);
      modules.set(module, (modules.get(module) ?? 0) + deltaMs);
    });
  }
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs, functions: sorted(functions), modules: sorted(modules) };
}

function moduleOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith("node:")) return url;
  const ours = /\/(agent\/(?:dist|src)\/.+|mcp-servers\/.+)$/.exec(url);
  return ours?.[1] ?? url;
}

function profileFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .filter((name) => name.endsWith(".cpuprofile"))
    .map((name) => join(target, name));
}

const [target, top = "25"] = process.argv.slice(2);
if (target && import.meta.url === `file://${process.argv[1]}`) {
  const summary = summarizeProfiles(profileFiles(target));
  const limit = Number(top);
  const pct = (value: number) => `${((100 * value) / summary.totalMs).toFixed(1)}%`;
  process.stdout.write(`total sampled ${summary.totalMs.toFixed(0)} ms\n\nby module (self):\n`);
  for (const [name, value] of summary.modules.slice(0, limit))
    process.stdout.write(`${pct(value).padStart(6)} ${value.toFixed(0).padStart(6)} ms  ${name}\n`);
  process.stdout.write("\nby function (self):\n");
  for (const [name, value] of summary.functions.slice(0, limit))
    process.stdout.write(`${pct(value).padStart(6)} ${value.toFixed(0).padStart(6)} ms  ${name}\n`);
}
