// `agent keys rotate`: re-encrypts the keystore under a new master key, from LLM_NEW_MASTER_KEY or typed
// (hidden) on a terminal. The keystore keeps a backup until the new file is durably in place.

import { createInterface } from "node:readline";
import { Keystore } from "../keys/keystore.js";
import { isLongEnoughMasterKey, MASTER_KEY_MIN_LENGTH } from "../keys/master-key.js";
import type { Terminal } from "./terminal.js";

export interface RotateOptions {
  keystorePath: string;
  masterKey?: string;
  newMasterKey?: string;
  term: Terminal;
  interactive: boolean;
}

/** Returns the exit code: 0 rotated, 2 missing or unusable input. */
export async function rotateKeystore(options: RotateOptions): Promise<number> {
  const { term } = options;
  if (!options.masterKey) {
    term.error("agent keys rotate: LLM_MASTER_KEY is not set, so there is no keystore to rotate.");
    return 2;
  }
  const next =
    options.newMasterKey ?? (options.interactive ? await askHidden("New master key: ") : undefined);
  if (!next) {
    term.error(
      "agent keys rotate: set LLM_NEW_MASTER_KEY to the new master key (or run it on a terminal to type it).",
    );
    return 2;
  }
  if (!isLongEnoughMasterKey(next)) {
    term.error(
      `agent keys rotate: the new master key must have at least ${MASTER_KEY_MIN_LENGTH} characters.`,
    );
    return 2;
  }
  if (next === options.masterKey) {
    term.error("agent keys rotate: the new master key is the same as the current one; nothing to do.");
    return 2;
  }
  const store = await Keystore.open(options.keystorePath, options.masterKey);
  await store.rotate(next);
  term.line(
    `Re-encrypted ${store.providers().length} key(s) in ${store.path}. Set LLM_MASTER_KEY to the new key now.`,
  );
  return 0;
}

function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const internals = rl as unknown as { _writeToOutput: (text: string) => void };
    const original = internals._writeToOutput.bind(rl);
    let asked = false;
    internals._writeToOutput = (text: string) => {
      if (!asked) original(text);
      else if (text.includes("\n")) original("\n");
    };
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer.trim());
    });
    asked = true;
  });
}
