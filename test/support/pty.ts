// Drives a command through a real pseudo terminal (test/support/pty-host.py), for what only a TTY shows:
// raw-mode Ctrl-C, the prompt, colour. Output is collected and can be awaited by pattern.

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const host = join(fileURLToPath(new URL(".", import.meta.url)), "pty-host.py");

export class PtySession {
  private text = "";
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(command: string, args: string[], env: Record<string, string>, cwd?: string) {
    this.child = spawn("python3", [host, command, ...args], { env, ...(cwd ? { cwd } : {}) });
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.text += chunk.toString();
    });
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.text += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  /** Every byte the terminal received so far, escapes included (render it with test/support/screen.ts). */
  get raw(): string {
    return this.text;
  }

  /** Everything shown so far, with ANSI escapes removed. */
  get output(): string {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escapes is the point
    return this.text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
  }

  type(text: string): void {
    this.child.stdin.write(text);
  }

  /** Resolves once the output matches `pattern`; fails with the output so far after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    await expect.poll(() => this.output, { timeout: timeoutMs, interval: 25 }).toMatch(pattern);
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}
