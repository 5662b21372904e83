// /key: stores, lists and removes provider keys in the encrypted keystore, and rotates its master key.
// Keys are never echoed, never reach the model, the history or the session log; each one joins the scrubber.

import { KeystoreError } from "../../keys/keystore-error.js";
import { maskKey } from "../../keys/mask.js";
import { isLongEnoughMasterKey, MASTER_KEY_MIN_LENGTH } from "../../keys/master-key.js";
import type { CommandContext, SlashCommand } from "./command.js";

const usage = [
  "/key <provider> [key]     store a key (omit it to type it hidden)",
  "/key list                 providers with a stored key (masked)",
  "/key remove <provider>    delete a stored key",
  "/key rotate               re-encrypt the keystore under a new LLM_MASTER_KEY",
].join("\n");

export const keyCommand: SlashCommand = {
  name: "key",
  usage: "/key <provider> [key] | list | remove <provider> | rotate",
  summary: "manage provider keys in the encrypted keystore",
  async run(args, context) {
    try {
      await keyAction(args, context);
    } catch (error) {
      // Expected failures (another agent holds the lock, the store was rotated elsewhere) say what to do.
      if (!KeystoreError.isInstance(error)) throw error;
      context.term.error(error.message);
    }
  },
};

async function keyAction(args: string, context: CommandContext): Promise<void> {
  const [sub, ...rest] = args.split(/\s+/).filter(Boolean);
  const { term, services } = context;
  if (!sub || sub === "help") {
    term.line(usage);
    return;
  }
  const keystore = services.keystore;
  if (!keystore) {
    term.error(
      "The keystore is off: set LLM_MASTER_KEY (a long random secret) in .env and restart to store keys " +
        "encrypted. Until then keys come from <PROVIDER>_API_KEY variables.",
    );
    return;
  }
  switch (sub) {
    case "list":
      return list(context);
    case "remove": {
      const provider = rest[0]?.toLowerCase();
      if (!provider || rest.length > 1) return term.line("Usage: /key remove <provider>");
      const removed = await keystore.remove(provider);
      term.line(
        removed ? `Removed the key for ${provider}.` : `No stored key for ${provider}; nothing changed.`,
      );
      return;
    }
    case "rotate":
      return rotate(context);
    default:
      return store(sub.toLowerCase(), rest, context);
  }
}

function keyNames(context: CommandContext): string[] {
  return [...new Set(context.session.providers.providers.flatMap((p) => [p.name, p.keyName]))];
}

async function store(provider: string, rest: string[], context: CommandContext): Promise<void> {
  const { term, services } = context;
  const known = keyNames(context);
  if (!known.includes(provider)) {
    term.error(`Unknown provider "${provider}". Keys can be stored for: ${known.join(", ")}.`);
    return;
  }
  if (rest.length > 1) {
    term.error("A key is one word without spaces: /key <provider> <key>.");
    return;
  }
  const key = rest[0] ?? (await context.askSecret(`Key for ${provider} (input hidden): `));
  if (!key?.trim()) {
    term.line("No key given; nothing stored.");
    return;
  }
  services.addSecret?.(key.trim());
  await services.keystore?.set(provider, key.trim());
  term.line(`Stored the key for ${provider} (${maskKey(key.trim())}) in ${services.keystore?.path}.`);
  if (context.session.providers.active.keyName !== provider) {
    term.line(term.style("dim", `Use it with /provider ${provider}.`));
  }
}

function list({ term, services }: CommandContext): void {
  const entries = services.keystore?.list() ?? [];
  if (!entries.length) {
    term.line("No keys stored. Add one with /key <provider> <key>.");
    return;
  }
  for (const entry of entries)
    term.line(`  ${entry.provider.padEnd(12)} ${entry.hint}  ${term.style("dim", `set ${entry.updatedAt}`)}`);
}

async function rotate(context: CommandContext): Promise<void> {
  const { term, services } = context;
  const first = await context.askSecret(
    `New master key (input hidden, at least ${MASTER_KEY_MIN_LENGTH} characters): `,
  );
  if (!first || !isLongEnoughMasterKey(first)) {
    term.error(`Not rotated: the new master key must have at least ${MASTER_KEY_MIN_LENGTH} characters.`);
    return;
  }
  const second = await context.askSecret("Repeat the new master key: ");
  if (second !== first) {
    term.error("Not rotated: the two entries differ.");
    return;
  }
  services.addSecret?.(first);
  await services.keystore?.rotate(first);
  term.line("Rotated. Set LLM_MASTER_KEY to the new master key in .env before the next start.");
}
