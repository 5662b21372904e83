// The one error the keystore throws: a stable code for callers to branch on and a message a user can act on.
// Every message names the file and says what to do; none of them leaks key material.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";

/** Why the keystore could not be opened or written. */
export type KeystoreErrorCode =
  | "wrong-key"
  | "corrupt"
  | "unsupported-version"
  | "insecure-permissions"
  | "invalid-input"
  | "io"
  /** Another process holds the keystore's lock for too long. */
  | "busy"
  /** The file was re-encrypted under another master key after this process opened it. */
  | "rotated";

/** The keystore file could not be read, decrypted or written, or a caller passed a bad provider or key. */
export class KeystoreError extends namedError("KeystoreError") {
  constructor(
    /** What went wrong, for callers that react differently (e.g. exit code 2 on `insecure-permissions`). */
    readonly code: KeystoreErrorCode,
    /** The keystore file concerned. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
