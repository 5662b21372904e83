// The API a skill's run(args, ctx) sees: its arguments and a context that reaches the world only through tools,
// the LLM and a logger. Types only; skills/skill-api.d.ts is a byte-for-byte copy for skill authors and checks.

/** A parsed argument value, typed by the `type` the SKILL.md front matter declares. */
export type SkillArgValue = string | number | boolean | string[];

/** The arguments of one run, by name; optional arguments without a default are absent. */
export type SkillArgs = Record<string, SkillArgValue | undefined>;

/** What one tool call gives back. */
export interface SkillToolResult {
  /** Text of the result (what the model would see). */
  text: string;
  /** True when the call failed; `text` says why. */
  isError: boolean;
}

/** One tool as a function. Calling a tool outside `allowed_tools` rejects with an error naming the tool. */
export type SkillTool = (args?: Record<string, unknown>) => Promise<SkillToolResult>;

/**
 * The tools a skill may call, by name: `ctx.tools.read_file({ path })`; any other (an MCP server's
 * `server__tool`) through `ctx.tools.call(name, args)`. Each works only when listed in allowed_tools.
 */
export interface SkillTools {
  /** Sandbox: read a text file `{path, offset?, limit?}` (lines without a final newline). */
  readonly read_file: SkillTool;
  /** Sandbox: create or overwrite `{path, content}`. */
  readonly write_file: SkillTool;
  /** Sandbox: replace `{path, old_text, new_text, replace_all?}`; the result shows the diff. */
  readonly edit_file: SkillTool;
  /** Sandbox: `{path?, recursive?, max_depth?}`. */
  readonly list_files: SkillTool;
  /** Sandbox: `{command, timeout_seconds?}`; the result ends with `[exit code N]`, isError when not 0. */
  readonly shell: SkillTool;
  /** Sandbox: `{manager, packages}`. */
  readonly install_dependency: SkillTool;
  /** Agent side: read skills/<name>/SKILL.md or skill.ts `{name, file}`. */
  readonly skill_read: SkillTool;
  /** Agent side: write skills/<name>/SKILL.md or skill.ts `{name, file, content, overwrite?}` (never approved). */
  readonly skill_write: SkillTool;
  /** Agent side: import rules and type check of skills/<name>/skill.ts `{name}`. */
  readonly skill_validate: SkillTool;
  /** Agent side: write playbooks/<category>/<file>.md `{category, file, content, overwrite?}`. */
  readonly playbook_write: SkillTool;
  /** Any tool by name. */
  call(name: string, args?: Record<string, unknown>): Promise<SkillToolResult>;
}

/** A tool call the model asked for in a `complete` answer (not run). */
export interface SkillToolCall {
  /** Tool name. */
  name: string;
  /** Parsed arguments; `{}` when the model sent invalid JSON (see `error`). */
  args: Record<string, unknown>;
  /** Set when the arguments were not a JSON object. */
  error?: string;
}

/** One LLM request without a loop. */
export interface SkillCompleteRequest {
  /** Instructions for the model. */
  system?: string;
  /** The user message. */
  prompt: string;
  /** Tools (within allowed_tools) whose schemas are offered; the calls come back, they are not run. */
  tools?: string[];
}

/** The model's answer to a `complete` request. */
export interface SkillCompletion {
  /** Its text (may be empty when it only called tools). */
  text: string;
  /** The tool calls it asked for, in order. */
  toolCalls: SkillToolCall[];
}

/** Options of a nested agent loop. */
export interface SkillAgentOptions {
  /** Tools the nested loop may use (within allowed_tools); default: all of allowed_tools. */
  tools?: string[];
  /** Step cap; default and maximum: the session's. */
  maxSteps?: number;
  /** Extra instructions appended to the system prompt. */
  system?: string;
}

/** How a nested agent loop ended. */
export interface SkillAgentResult {
  /** The model's final answer, or its last text. */
  text: string;
  /** `done`, `max_steps`, `repeated_calls`, `aborted`, `llm_error` or `sandbox_error`. */
  reason: string;
  /** LLM requests made. */
  steps: number;
}

/** The session's current model. */
export interface SkillLlm {
  /** One request: text and tool calls back, nothing run. */
  complete(request: SkillCompleteRequest | string): Promise<SkillCompletion>;
  /** A nested tool-calling loop with its own history, the same guards and the restricted tools. */
  runAgent(prompt: string, options?: SkillAgentOptions): Promise<SkillAgentResult>;
}

/** One test as the runner reported it. */
export interface SkillTestCase {
  /** `file::test` (pytest), `module.Class.test` (unittest), `file > suite > test` (vitest), `suite > test`. */
  id: string;
  /** What happened to it. */
  outcome: "passed" | "failed" | "skipped";
}

/** What one run of the tests showed. */
export interface SkillTestRun {
  /** The command run ("" when none was found). */
  command: string;
  /** Whose output it was; "unknown" when it is none the agent can read. */
  runner: "pytest" | "unittest" | "node-test" | "vitest" | "unknown";
  /** The command's exit code; absent when it did not exit (timed out, killed). */
  exitCode?: number;
  /** The tests the output names, with their outcome (all of them, or only failures: see namesPasses). */
  tests: SkillTestCase[];
  /** Totals from the runner's summary; failed includes errors. */
  passed: number;
  failed: number;
  skipped: number;
  /** True when passing tests are named one by one, not only counted. */
  namesPasses: boolean;
  /** Why this run cannot show anything (no command, output not understood, 0 tests ran, did not finish). */
  problem?: string;
  /** The last lines of the output, for reports. */
  tail: string;
}

/** Two runs of the tests compared by test id: before and after a change. */
export interface SkillTestComparison {
  /** Failed before and pass after. */
  fixed: string[];
  /** Fail after and did not fail before (broken by the change, or new failures such as a collection error). */
  regressed: string[];
  /** Failed before and still fail. */
  stillFailing: string[];
  /** Passed before and are not in the later run at all. */
  missing: string[];
  /** How many fewer tests the later run counted. */
  fewerTests: number;
  /** One line with both runs' counts. */
  summary: string;
}

/** Everything a skill may use. */
export interface SkillContext {
  /** The skill's name. */
  skill: string;
  /** Tools restricted to the skill's allowed_tools (in a dry run, writes are simulated and shell refused). */
  tools: SkillTools;
  /** The LLM. */
  llm: SkillLlm;
  /** A progress line for the user (and the log). */
  log(message: string): void;
  /** True for `dry_run:true`: show what would change; the framework guarantees nothing is written. */
  dryRun: boolean;
  /** Aborted when the user interrupts; pass it on and stop early. */
  signal: AbortSignal;
  /** A unified diff of two texts, for reports. */
  diff(path: string, before: string, after: string): string;
  /**
   * The workspace's test command: `npm test` for a package.json, `python3 -m pytest -q` for Python tests
   * (`python3 -m unittest discover -v` without pytest); "" when none is found. Runs through the skill's
   * `shell` tool: without `shell` in allowed_tools it throws, saying so.
   */
  detectTestCommand(): Promise<string>;
  /**
   * Runs the tests (`command`, else the detected one) through the skill's `shell` and reads the runner's
   * report: which tests passed and failed. A failing run is a result, not a throw; `problem` says when the run
   * shows nothing (no command, unknown output, 0 tests ran). A log too long for one result is read back with
   * `read_file` when the skill may use it.
   */
  runTests(command?: string): Promise<SkillTestRun>;
  /** Compares two runs by test id; see SkillTestComparison. */
  compareTestRuns(before: SkillTestRun, after: SkillTestRun): Promise<SkillTestComparison>;
  /** `text` as one bash word, safe inside a shell command line. */
  shellQuote(text: string): string;
}

/** What run() returns: `ok` false means the skill did not do its job; `text` says what happened. */
export interface SkillResult {
  /** Whether the skill did its job. */
  ok: boolean;
  /** Report for the user (and the model, when it ran the skill). */
  text: string;
}

/** The signature skill.ts exports as `run`. */
export type SkillRun = (args: SkillArgs, ctx: SkillContext) => Promise<SkillResult | string>;
