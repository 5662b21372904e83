// A scripted OpenAI-compatible chat server for the end-to-end stack, run by Node 24 (type stripping) as a
// Compose service: replies come from a JSON file of scenarios, picked by a [[e2e:name]] tag in the prompt.
import { readFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";

/** One model turn: text, tool calls, or both. `{{tools}}` in text becomes this prompt's tool results. */
interface Step {
  /** Assistant text. */
  text?: string;
  /** Tool calls, arguments as objects. */
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

interface Message {
  role: string;
  content?: string | null | Array<{ type: string; text?: string }>;
}

const scenariosFile = process.env.SCENARIOS_FILE ?? "/e2e-data/scenarios.json";
const port = Number(process.env.PORT ?? 8080);

function textOf(content: Message["content"]): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? "").join("");
  return "";
}

/** The step for this request: scenario from the last user message, index = assistant turns since then. */
function nextStep(messages: Message[]): Step {
  let lastUser = -1;
  messages.forEach((message, index) => {
    if (message.role === "user") lastUser = index;
  });
  const prompt = textOf(messages[lastUser]?.content);
  const name = /\[\[e2e:([\w-]+)\]\]/.exec(prompt)?.[1];
  const since = messages.slice(lastUser + 1);
  const turn = since.filter((message) => message.role === "assistant").length;
  const tools = since.filter((message) => message.role === "tool").map((message) => textOf(message.content));
  const scenarios = JSON.parse(readFileSync(scenariosFile, "utf8")) as Record<string, Step[]>;
  const step = name === undefined ? undefined : scenarios[name]?.[turn];
  if (step === undefined) return { text: `scripted-llm: no step ${turn} for scenario ${name ?? "(none)"}` };
  return step.text === undefined
    ? step
    : { ...step, text: step.text.replace("{{tools}}", tools.join("\n---\n")) };
}

function toolCallsOf(step: Step) {
  return (step.toolCalls ?? []).map((call, index) => ({
    index,
    id: `call_${Date.now()}_${index}`,
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
}

/** Usage as a real server counts it: the prompt's size in tokens (about 4 characters each), not a constant a
 * client would read as a prompt the server cut. */
function usageOf(promptTokens: number) {
  return { prompt_tokens: promptTokens, completion_tokens: 10, total_tokens: promptTokens + 10 };
}

function sendStream(res: ServerResponse, step: Step, model: string, promptTokens: number): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const base = { id: "chatcmpl-e2e", object: "chat.completion.chunk", created: 0, model };
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const calls = toolCallsOf(step);
  res.write(chunk({ role: "assistant", content: "" }, null));
  // Text in small pieces, as real servers stream it (a front end must keep every piece on screen).
  const text = step.text ?? "";
  for (let i = 0; i < text.length; i += 5) res.write(chunk({ content: text.slice(i, i + 5) }, null));
  if (calls.length > 0) res.write(chunk({ tool_calls: calls }, null));
  res.write(chunk({}, calls.length > 0 ? "tool_calls" : "stop"));
  res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(promptTokens) })}\n\n`);
  res.end("data: [DONE]\n\n");
}

function sendWhole(res: ServerResponse, step: Step, model: string, promptTokens: number): void {
  const calls = toolCallsOf(step).map(({ index: _index, ...call }) => call);
  const message = {
    role: "assistant",
    content: step.text ?? null,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  };
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: "chatcmpl-e2e",
      object: "chat.completion",
      created: 0,
      model,
      choices: [{ index: 0, message, finish_reason: calls.length > 0 ? "tool_calls" : "stop" }],
      usage: usageOf(promptTokens),
    }),
  );
}

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
    return;
  }
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk: string) => {
    body += chunk;
  });
  req.on("end", () => {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    try {
      const request = JSON.parse(body) as { model: string; stream?: boolean; messages: Message[] };
      const step = nextStep(request.messages);
      const promptTokens = Math.ceil(body.length / 4);
      if (request.stream) sendStream(res, step, request.model, promptTokens);
      else sendWhole(res, step, request.model, promptTokens);
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    }
  });
});

server.listen(port, "0.0.0.0");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
