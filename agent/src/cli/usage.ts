// The text of `agent --help`; its environment section and the defaults it names come from the settings table.
import { SETTINGS } from "../settings.js";
import { renderEnvHelp } from "../settings-text.js";

export const usageText = `Usage: agent [options]            start the REPL
       agent -p "task" [--json]    run one task and print the answer
       agent keys rotate           re-encrypt the keystore under a new LLM_MASTER_KEY
       agent doctor                check the provider: reachable, model present, tool support, context, key
       agent mcp [--http]          serve the tools, approved skills and artifacts as an MCP server
       agent store export <path>   copy the library (skills, approvals, dynamic tools, artifacts) from the
                                   store (STORE_URL, else the local folders) to a folder or a .json file
       agent store import <path>   copy a library exported that way into the store (items there are replaced)

Options:
  -p, --print <task>        run one task; the answer goes to stdout, tool activity to stderr
      --json                with --print: one JSON event per line on stdout
      --workspace <dir>     the directory the tools work in (WORKSPACE_DIR)
      --provider <name>     LLM provider: ollama, litellm, openai, groq, openrouter or a custom one (LLM_PROVIDER)
      --model <name>        model for that provider (<PROVIDER>_MODEL)
      --max-steps <n>       stop a turn after n LLM requests (MAX_STEPS, default ${SETTINGS.MAX_STEPS.default})
      --tool-mode <mode>    how the model uses tools: calls, code (only run_code) or both (TOOL_MODE, default ${SETTINGS.TOOL_MODE.default})
      --sandbox <kind>      where tools run: docker or local (SANDBOX, default ${SETTINGS.SANDBOX.default})
      --mcp-config <file>   MCP servers in the mcpServers format (MCP_CONFIG, default ./mcp.json)
      --resume [session]    continue the latest session, or the one named
      --http                with mcp: Streamable HTTP at /mcp instead of stdio; clients send
                            Authorization: Bearer <AGENT_MCP_TOKEN> (generated and shown when unset)
      --port <n>            with mcp --http: the port (default 50060; 0 picks a free one)
      --host <addr>         with mcp --http: the interface (default 127.0.0.1; another needs AGENT_MCP_TOKEN)
  -v, --version             print the version
  -h, --help                print this help

Exit codes: 0 done · 1 runtime failure · 2 usage or config error · 3 stopped by a guard · 130 interrupted.
In the REPL, type /help for the slash commands.

${renderEnvHelp()}`;
