// scaffold_project: writes a small Node or Python project (manifest, source, tests, README) into the workspace
// and runs its test command, which passes out of the box. Refuses an existing directory without --overwrite.
import type { SkillArgs, SkillContext, SkillResult } from "../skill-api.js";

type Files = Record<string, string>;

export async function run(args: SkillArgs, ctx: SkillContext): Promise<SkillResult> {
  const name = String(args.name);
  if (!/^[a-z][a-z0-9_-]{0,63}$/.test(name)) {
    return {
      ok: false,
      text: `Invalid name "${name}": use lowercase letters, digits, '-' or '_', starting with a letter.`,
    };
  }
  const existing = await ctx.tools.list_files({ path: name });
  if (!existing.isError && args.overwrite !== true) {
    return { ok: false, text: `${name}/ already exists; pass --overwrite to write the scaffold into it.` };
  }
  const python = args.type === "python";
  const files = python ? pythonFiles(name) : nodeFiles(name);
  const testCommand = python ? "python3 -m unittest discover -s tests -t ." : "npm test";
  for (const [path, content] of Object.entries(files)) {
    const written = await ctx.tools.write_file({ path: `${name}/${path}`, content });
    if (written.isError) return { ok: false, text: `Could not write ${name}/${path}: ${written.text}` };
  }
  const list = Object.keys(files)
    .map((path) => `  ${name}/${path}`)
    .join("\n");
  if (ctx.dryRun) return { ok: true, text: `Would create:\n${list}\nTest command: ${testCommand}` };
  ctx.log(`scaffold_project: running ${testCommand}`);
  const tests = await ctx.tools.shell({ command: `cd '${name}' && ${testCommand}`, timeout_seconds: 300 });
  const tail = tests.text.split("\n").slice(-12).join("\n");
  return {
    ok: !tests.isError,
    text: `Created ${name}/ (${python ? "Python" : "Node"}):\n${list}\nTest command (in ${name}/): ${testCommand} → ${tests.isError ? "FAILED" : "passes"}\n${tail}`,
  };
}

function nodeFiles(name: string): Files {
  const pkg = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    main: "src/index.js",
    scripts: { test: "node --test" },
    engines: { node: ">=20" },
  };
  return {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "src/index.js":
      '/** Greets someone by name. */\nexport function greet(name) {\n  return "Hello, " + name + "!";\n}\n',
    "test/index.test.js":
      'import assert from "node:assert/strict";\nimport { test } from "node:test";\nimport { greet } from "../src/index.js";\n\n' +
      'test("greet says hello by name", () => {\n  assert.equal(greet("Ada"), "Hello, Ada!");\n});\n',
    "README.md": `# ${name}\n\nRun the tests with \`npm test\` (Node 20 or later, no dependencies).\n`,
    ".gitignore": "node_modules/\n",
  };
}

function pythonFiles(name: string): Files {
  const pkg = name.replace(/-/g, "_");
  return {
    "pyproject.toml":
      `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n\n` +
      `[tool.pytest.ini_options]\ntestpaths = ["tests"]\n`,
    [`${pkg}/__init__.py`]: `"""${name}."""\n\n\ndef greet(name: str) -> str:\n    """Greets someone by name."""\n    return f"Hello, {name}!"\n`,
    "tests/__init__.py": "",
    [`tests/test_${pkg}.py`]:
      `import unittest\n\nfrom ${pkg} import greet\n\n\nclass GreetTest(unittest.TestCase):\n` +
      `    def test_greet_says_hello_by_name(self):\n        self.assertEqual(greet("Ada"), "Hello, Ada!")\n\n\n` +
      `if __name__ == "__main__":\n    unittest.main()\n`,
    "README.md": `# ${name}\n\nRun the tests with \`python3 -m unittest discover -s tests -t .\` (or \`pytest\`).\n`,
    ".gitignore": "__pycache__/\n*.pyc\n.venv/\n",
  };
}
