// `agent doctor` and the REPL's start-up check: runs the provider checks and prints one line per check (all
// of them for doctor, only problems at start-up). Exit 0 when nothing failed, 1 otherwise.
import { type CheckResult, checkProvider, type ProviderCheckInput } from "../llm/provider-check.js";
import type { Terminal } from "./terminal.js";

const marks = { ok: "✓", warn: "!", fail: "✗" } as const;
const colours = { ok: "green", warn: "yellow", fail: "red" } as const;

function line(term: Terminal, result: CheckResult): string {
  return `  ${term.style(colours[result.status], marks[result.status])} ${result.check.padEnd(9)} ${result.message}`;
}

/** `agent doctor`: every check, on stdout; the exit code says whether one failed. */
export async function runDoctor(term: Terminal, input: ProviderCheckInput): Promise<number> {
  term.line(
    `agent doctor: provider ${input.provider.name} (${input.provider.api} API) · model ${input.model.model}`,
  );
  const results = await checkProvider(input);
  for (const result of results) term.line(line(term, result));
  const failed = results.filter((r) => r.status === "fail").length;
  term.line(failed ? `${failed} problem${failed === 1 ? "" : "s"} found.` : "All checks passed.");
  return failed ? 1 : 0;
}

/**
 * The same checks at REPL start, briefly: bounded by `timeoutMs` so a slow server never holds the prompt, and
 * only what needs attention is printed.
 */
export async function startupCheck(
  term: Terminal,
  input: Omit<ProviderCheckInput, "signal">,
  timeoutMs = 2_000,
): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  const results = await Promise.race([
    checkProvider({ ...input, signal }),
    new Promise<undefined>((resolve) =>
      signal.addEventListener("abort", () => resolve(undefined), { once: true }),
    ),
  ]);
  const problems = (results ?? []).filter((r) => r.status !== "ok");
  for (const result of problems) term.note(line(term, result));
  if (problems.some((r) => r.status === "fail"))
    term.note(term.style("dim", "  (agent doctor checks again)"));
}
