// The expected failures of the skills framework, each a named error whose message says what to do next.
// The REPL prints the message; the run_skill tool returns it to the model as an error result.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

/** A SKILL.md whose front matter is missing, not YAML, or does not match the schema. */
export class SkillMdError extends namedError("SkillMdError") {}

/** Unknown, missing or badly typed arguments; `usage` is the skill's usage line. */
export class SkillArgsError extends namedError("SkillArgsError") {
  constructor(
    message: string,
    /** The usage line from SKILL.md. */
    readonly usage: string,
  ) {
    super(`${message}\nUsage: ${usage}`);
  }
}

/** No skill by that name, or one that cannot run now (invalid, not approved, changed since approval). */
export class SkillUnavailableError extends namedError("SkillUnavailableError") {
  constructor(
    message: string,
    /** The skill asked for. */
    readonly skill: string,
  ) {
    super(message);
  }
}

/** A skill called a tool outside its allowed_tools. */
export class SkillToolNotAllowedError extends namedError("SkillToolNotAllowedError") {
  constructor(
    /** The skill. */
    readonly skill: string,
    /** The tool it tried to call. */
    readonly tool: string,
    allowed: readonly string[],
  ) {
    super(
      `Skill "${skill}" may not call the tool "${tool}": its allowed_tools are ${allowed.join(", ") || "none"}. ` +
        `Add "${tool}" to allowed_tools in its SKILL.md and /approve ${skill} again.`,
    );
  }
}

/** skill.ts cannot be loaded: a refused import, a syntax error, or no exported run(). */
export class SkillLoadError extends namedError("SkillLoadError") {}
