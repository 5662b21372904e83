// TypeScript's compiler API, loaded on first use: it costs ~0.9 s and ~100 MiB (bench/README.md), which
// start-up must not pay when no skill needs it. Synchronous (CommonJS require) because the checks are sync.
import { createRequire } from "node:module";
import type TypeScript from "typescript";

let loaded: typeof TypeScript | undefined;

export function typescript(): typeof TypeScript {
  loaded ??= createRequire(import.meta.url)("typescript") as typeof TypeScript;
  return loaded;
}
