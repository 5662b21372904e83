// namedError, the one base of the named errors: names and fields kept, and isInstance true across module copies
// and realms (where instanceof fails) but false for look-alikes.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import vm from "node:vm";
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { KeystoreError } from "../../../agent/src/keys/keystore-error.js";
import { LlmError } from "../../../agent/src/llm/llm-error.js";

const sourcePath = createRequire(import.meta.url).resolve("../../../mcp-servers/kit/src/named-error.ts");

/** namedError compiled and evaluated in a fresh vm context: another realm, with its own Error and Object. */
async function namedErrorFromAnotherRealm(): Promise<typeof namedError> {
  const source = await readFile(sourcePath, "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const module = { exports: {} as { namedError: typeof namedError } };
  vm.runInNewContext(outputText, { module, exports: module.exports });
  return module.exports.namedError;
}

class TestError extends namedError("TestError") {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message, { cause: "why" });
  }
}

describe("namedError", () => {
  it("keeps the name, message, cause and fields, and stays an Error", () => {
    const error = new TestError("went wrong", "the detail");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(TestError);
    expect(error.name).toBe("TestError");
    expect(Object.hasOwn(error, "name")).toBe(true);
    expect(error.message).toBe("went wrong");
    expect(error.cause).toBe("why");
    expect(error.detail).toBe("the detail");
    expect(String(error)).toBe("TestError: went wrong");
  });

  it("recognises its own errors and nothing else", () => {
    const other = namedError("OtherError");
    expect(TestError.isInstance(new TestError("x", "y"))).toBe(true);
    expect(TestError.isInstance(new other("x"))).toBe(false);
    expect(other.isInstance(new TestError("x", "y"))).toBe(false);
    const lookAlike = Object.assign(new Error("x"), { name: "TestError" });
    expect(TestError.isInstance(lookAlike)).toBe(false);
    for (const value of [undefined, null, "TestError", 42, { name: "TestError" }]) {
      expect(TestError.isInstance(value)).toBe(false);
    }
  });

  it("recognises an error made by a second copy of the module, which instanceof does not", async () => {
    const copy = (await import(`${sourcePath}?second-copy`)) as { namedError: typeof namedError };
    expect(copy.namedError).not.toBe(namedError);
    const CopiedLlmError = copy.namedError("LlmError");
    const error = new CopiedLlmError("from the other copy");
    expect(error instanceof LlmError).toBe(false);
    expect(LlmError.isInstance(error)).toBe(true);
    expect(KeystoreError.isInstance(error)).toBe(false);
  });

  it("recognises an error made in another realm, where even instanceof Error is false", async () => {
    const foreignNamedError = await namedErrorFromAnotherRealm();
    const ForeignLlmError = foreignNamedError("LlmError");
    const error = new ForeignLlmError("from another realm");
    expect(error instanceof Error).toBe(false);
    expect(error.name).toBe("LlmError");
    expect(LlmError.isInstance(error)).toBe(true);
    expect(KeystoreError.isInstance(error)).toBe(false);
    expect(
      ForeignLlmError.isInstance(
        new LlmError("here", { kind: "auth", provider: "p", baseURL: "u", attempts: 1 }),
      ),
    ).toBe(true);
  });
});
