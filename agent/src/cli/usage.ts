// The text of `agent --help`.

export const usageText = `Usage: agent [options]            start the REPL
       agent -p "task" [--json]    run one task and print the answer
       agent keys rotate           re-encrypt the keystore under a new LLM_MASTER_KEY
       agent doctor                check the provider: reachable, model present, tool support, context, key
       agent store export <path>   copy the library (skills, approvals, dynamic tools, artifacts) from the
                                   store (STORE_URL, else the local folders) to a folder or a .json file
       agent store import <path>   copy a library exported that way into the store (items there are replaced)

Options:
  -p, --print <task>        run one task; the answer goes to stdout, tool activity to stderr
      --json                with --print: one JSON event per line on stdout
      --workspace <dir>     the directory the tools work in (WORKSPACE_DIR)
      --provider <name>     LLM provider: ollama, litellm, openai, groq, openrouter or a custom one (LLM_PROVIDER)
      --model <name>        model for that provider (<PROVIDER>_MODEL)
      --max-steps <n>       stop a turn after n LLM requests (MAX_STEPS, default 30)
      --sandbox <kind>      where tools run: docker or local (SANDBOX, default local)
      --mcp-config <file>   MCP servers in the mcpServers format (MCP_CONFIG, default ./mcp.json)
      --resume [session]    continue the latest session, or the one named
  -v, --version             print the version
  -h, --help                print this help

Exit codes: 0 done · 1 runtime failure · 2 usage or config error · 3 stopped by a guard · 130 interrupted.
STORE_URL=redis://host:6379 shares the library between agents on one Redis (default: the local folders).
In the REPL, type /help for the slash commands. Every variable is listed in .env.example.`;
