// /provider <name> [model]: switches provider (and model) for the rest of the session. Nothing of it
// reaches the model; the next prompt simply goes to the new endpoint.
import { UnknownProviderError } from "../../llm/session.js";
import type { SlashCommand } from "./command.js";

export const providerCommand: SlashCommand = {
  name: "provider",
  usage: "/provider <name> [model]",
  summary: "switch provider and optionally model",
  run(args, { session, term }) {
    const [name, model, ...rest] = args.split(/\s+/).filter(Boolean);
    if (!name || rest.length) {
      const names = session.providers.providers.map((p) => p.name).join(", ");
      term.line(`Usage: /provider <name> [model]   (providers: ${names})`);
      return;
    }
    try {
      const chat = session.providers.switchTo(name.toLowerCase(), model);
      term.line(`Now using ${chat.provider} · model ${chat.model} · ${chat.baseURL}`);
      const missing = session.providers.missingKey();
      if (missing)
        term.note(term.style("yellow", `No key for ${missing} yet: add one with /key ${missing} <key>.`));
    } catch (error) {
      if (UnknownProviderError.isInstance(error)) term.error(error.message);
      else throw error;
    }
  },
};
