// The base of every expected error in the agent and the MCP servers: a stable `name` and an `isInstance` check
// that holds where `instanceof` does not (two copies of a module, an error made in another realm or vm context).

/** Registered with Symbol.for, so every copy of this module in every realm of the process agrees on it. */
const ERROR_NAME = Symbol.for("ts-coding-agent.error-name");

/**
 * A base class for one named error: `class LlmError extends namedError("LlmError") { ... }`. Instances carry
 * `name` (an own property, as before) and, on the prototype, a registered-symbol mark holding the same name,
 * which `isInstance` reads. Subclass the returned class exactly once: the check is by name, not by chain.
 */
export function namedError<const Name extends string>(name: Name) {
  class NamedError extends Error {
    override readonly name: Name = name;

    /**
     * True for an error made by this class, also one from another copy of the module or another realm; false
     * for anything else, including other named errors and plain objects that merely have the same `name`.
     */
    static isInstance<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
      return (
        typeof value === "object" &&
        value !== null &&
        (value as { [ERROR_NAME]?: unknown })[ERROR_NAME] === name
      );
    }
  }
  Object.defineProperty(NamedError.prototype, ERROR_NAME, { value: name });
  return NamedError;
}
