// The expected failures of the kernel layer, one named error with a kind; the message says what to do next.
// The tools turn it into an isError result; anything else thrown there is a bug.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

export type KernelErrorKind = "not-found" | "limit" | "busy" | "start-failed" | "died";

export class KernelError extends namedError("KernelError") {
  constructor(
    message: string,
    /** Which expected failure this is. */
    readonly kind: KernelErrorKind,
    /** The kernel concerned, when there is one. */
    readonly kernelId?: string,
  ) {
    super(message);
  }
}
