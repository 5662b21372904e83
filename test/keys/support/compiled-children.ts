// Compiles the keystore and the child scripts to plain JavaScript once, so the crash tests can start dozens
// of child processes without paying for tsx in each (it dominated their cost on a loaded 2-core machine).
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");

/** Source folders whose .ts files the children need, relative to the repository root. */
const FOLDERS = ["agent/src/keys", "test/keys/support", "mcp-servers/kit/src"];

/**
 * The kit's dependency-free subpaths resolve to its dist/ for plain node (the source condition needs tsx), and
 * dist/ exists only after a build: point them at the transpiled sources instead.
 */
function linkKitSubpaths(javascript: string, fromFolder: string): string {
  return javascript.replace(
    /(["'])@ts-coding-agent\/mcp-kit\/([a-z-]+)\1/g,
    (_match, quote: string, sub: string) => {
      const target = path.posix.relative(fromFolder, `mcp-servers/kit/src/${sub}.js`);
      return `${quote}${target.startsWith(".") ? target : `./${target}`}${quote}`;
    },
  );
}

/**
 * Transpiles the needed sources into `outDir`, keeping the repository layout (so relative imports still
 * resolve) and linking `node_modules` (so zod and libsodium resolve); the kit's subpaths point at its sources. Returns the path of a compiled
 * support script by name: `script("keystore-writer")`.
 */
export async function compileChildren(outDir: string): Promise<(name: string) => string> {
  await writeFile(path.join(outDir, "package.json"), '{ "type": "module" }\n');
  await symlink(path.join(repoRoot, "node_modules"), path.join(outDir, "node_modules"), "dir");
  for (const folder of FOLDERS) {
    await mkdir(path.join(outDir, folder), { recursive: true });
    for (const name of await readdir(path.join(repoRoot, folder))) {
      if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
      const source = await readFile(path.join(repoRoot, folder, name), "utf8");
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      await writeFile(
        path.join(outDir, folder, name.replace(/\.ts$/, ".js")),
        linkKitSubpaths(outputText, folder),
      );
    }
  }
  return (name) => path.join(outDir, "test/keys/support", `${name}.js`);
}
