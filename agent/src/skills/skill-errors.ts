// The expected failures of the skills framework, each a named error whose message says what to do next.
// The REPL prints the message; the run_skill tool returns it to the model as an error result.

/** A SKILL.md whose front matter is missing, not YAML, or does not match the schema. */
export class SkillMdError extends Error {
  override readonly name = "SkillMdError";
  static isInstance(error: unknown): error is SkillMdError {
    return error instanceof Error && error.name === "SkillMdError";
  }
}

/** Unknown, missing or badly typed arguments; `usage` is the skill's usage line. */
export class SkillArgsError extends Error {
  override readonly name = "SkillArgsError";
  constructor(
    message: string,
    /** The usage line from SKILL.md. */
    readonly usage: string,
  ) {
    super(`${message}\nUsage: ${usage}`);
  }
  static isInstance(error: unknown): error is SkillArgsError {
    return error instanceof Error && error.name === "SkillArgsError";
  }
}

/** No skill by that name, or one that cannot run now (invalid, not approved, changed since approval). */
export class SkillUnavailableError extends Error {
  override readonly name = "SkillUnavailableError";
  constructor(
    message: string,
    /** The skill asked for. */
    readonly skill: string,
  ) {
    super(message);
  }
  static isInstance(error: unknown): error is SkillUnavailableError {
    return error instanceof Error && error.name === "SkillUnavailableError";
  }
}

/** A skill called a tool outside its allowed_tools. */
export class SkillToolNotAllowedError extends Error {
  override readonly name = "SkillToolNotAllowedError";
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
  static isInstance(error: unknown): error is SkillToolNotAllowedError {
    return error instanceof Error && error.name === "SkillToolNotAllowedError";
  }
}

/** skill.ts cannot be loaded: a refused import, a syntax error, or no exported run(). */
export class SkillLoadError extends Error {
  override readonly name = "SkillLoadError";
  static isInstance(error: unknown): error is SkillLoadError {
    return error instanceof Error && error.name === "SkillLoadError";
  }
}
