// Where kernel-driver.py is: next to this module in src/ (development, tests) or in dist/ when the image
// build copied it there; the package's build script (plain tsc) does not copy it, hence the fallback to src/.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { KernelError } from "./kernel-error.js";

/** Absolute path of kernel-driver.py; throws KernelError("start-failed") when it is in neither place. */
export function driverPath(): string {
  const candidates = [
    fileURLToPath(new URL("./kernel-driver.py", import.meta.url)),
    fileURLToPath(new URL("../src/kernel-driver.py", import.meta.url)),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined)
    throw new KernelError(`kernel-driver.py not found (looked in ${candidates.join(", ")})`, "start-failed");
  return found;
}
