// Waits until everything written to stdout and stderr has left the process. process.exit() drops what is still
// queued: through a pipe that the reader empties slowly, `agent -p > pipe` lost the end of a long answer.
import { setTimeout as wait } from "node:timers/promises";

/** Resolves once `stream` has handed every queued write to the OS (at once when nothing is queued). */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    // A write's callback runs after every earlier write is flushed; an empty one adds nothing to the output.
    stream.write("", () => resolve());
  });
}

/** Flushes stdout and stderr; bounded, so a reader that never reads cannot keep the process alive. */
export async function flushOutput(timeoutMs = 30_000): Promise<void> {
  const cancel = new AbortController();
  const timer = wait(timeoutMs, undefined, { ref: false, signal: cancel.signal }).catch(() => undefined);
  await Promise.race([Promise.all([drained(process.stdout), drained(process.stderr)]), timer]);
  cancel.abort();
}
