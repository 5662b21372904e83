// A scripted LLM server on 127.0.0.1 for tests, speaking OpenAI's chat completions and (with `ollama: true`)
// Ollama's native API: it replays queued replies in streaming or whole form, splits tool-call arguments across
// chunks, can mimic Ollama's repeated `index: 0`, replay recorded wire data (test/fixtures/llm-quirks), answer
// errors, hang or drop the connection, serves model metadata, and records every request for assertions.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  listTags,
  ollamaParts,
  ollamaWhole,
  type ScriptedModelInfo,
  showModel,
  writeNdjson,
} from "./scripted-ollama.js";

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** An object is serialised; a string is sent as is (so tests can send malformed JSON). */
  arguments: string | Record<string, unknown>;
}

/** A normal answer: text and/or tool calls. */
export interface ModelReply {
  kind?: "reply";
  text?: string;
  /** Reasoning streamed before the text as `reasoning_content` deltas (DeepSeek, vLLM, LM Studio). */
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  finishReason?: string | null;
  /** Token counts to report; `cost` is put in the usage object as OpenRouter does. */
  usage?: { prompt: number; completion: number; cost?: number };
  /** Extra response headers (LiteLLM's `x-litellm-response-cost`). */
  headers?: Record<string, string>;
  /** Milliseconds to wait between streamed chunks. */
  chunkDelayMs?: number;
}

export type ScriptedReply =
  | ModelReply
  | { kind: "error"; status: number; message?: string; headers?: Record<string, string> }
  /** Accepts the request and never answers (until the server closes). */
  | { kind: "hang" }
  /** Streams `afterChunks` chunks of the reply, then destroys the socket. */
  | { kind: "drop"; afterChunks: number; text: string }
  /** Streams text chunks every `everyMs` until the client goes away: a runaway server. */
  | { kind: "endless"; everyMs: number }
  /** Wire data as a real server sent it: stream chunks (SSE or NDJSON by route) or one whole body. */
  | { kind: "recorded"; chunks?: unknown[]; body?: unknown; chunkDelayMs?: number };

export type ScriptStep = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

export interface RecordedRequest {
  path: string;
  /** Which protocol the request came in on. */
  api: "openai" | "ollama";
  headers: IncomingMessage["headers"];
  body: ChatBody;
  /** Raw request body as received, for "the key never appears" assertions. */
  raw: string;
  /** `performance.now()` when the request arrived, before its body was read (benchmarks subtract our time). */
  receivedAt: number;
  /** Milliseconds from arrival to the response's last byte, set when the response finishes. */
  handledMs?: number;
}

export interface ChatBody {
  model: string;
  stream?: boolean;
  /** Ollama: `options.num_ctx` and friends. */
  options?: Record<string, unknown>;
  think?: unknown;
  keep_alive?: unknown;
  stream_options?: { include_usage?: boolean };
  messages: Array<{
    role: string;
    content: string | null;
    tool_calls?: unknown[];
    tool_call_id?: string;
    tool_name?: string;
  }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
}

export interface ScriptedLlmOptions {
  /** Split tool-call arguments into pieces of this many characters (default 7). */
  argChunkSize?: number;
  /** Send each tool call whole under `index: 0` with a fresh id, as Ollama does. */
  ollamaStyle?: boolean;
  /** Omit `index` from tool-call deltas altogether (LiteLLM's ollama route). */
  omitIndex?: boolean;
  /** Also answer Ollama's native API (/api/chat, /api/show, /api/tags, /api/version). */
  ollama?: boolean;
}

export class ScriptedLlm {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptStep[] = [];
  private readonly sockets = new Set<import("node:net").Socket>();
  /** Requests that arrived with nothing left in the script. */
  unexpected = 0;
  /** Models the server knows, for /api/show, /api/tags, /v1/models and /model/info. */
  readonly models: Record<string, ScriptedModelInfo> = {};

  private constructor(
    private readonly server: Server,
    readonly options: ScriptedLlmOptions,
  ) {}

  static async start(options: ScriptedLlmOptions = {}): Promise<ScriptedLlm> {
    let instance: ScriptedLlm | undefined;
    const server = createServer((req, res) => {
      instance?.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: String(error) } }));
      });
    });
    instance = new ScriptedLlm(server, options);
    server.on("connection", (socket) => {
      instance?.sockets.add(socket);
      socket.on("close", () => instance?.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return instance;
  }

  /** Base URL to configure as the provider's (ends in /v1). */
  get baseURL(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  /** The server root (Ollama's native API lives here, beside /v1). */
  get rootURL(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Appends replies, answered one per request in order. */
  enqueue(...steps: ScriptStep[]): this {
    this.queue.push(...steps);
    return this;
  }

  get pending(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const raw = await readBody(req);
    const path = req.url ?? "";
    if (this.metadata(req.method ?? "", path, raw, res)) return;
    const api = path.endsWith("/chat/completions")
      ? "openai"
      : path === "/api/chat" && this.options.ollama
        ? "ollama"
        : undefined;
    if (req.method !== "POST" || !api) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(raw) as ChatBody;
    const recorded: RecordedRequest = { path, api, headers: req.headers, body, raw, receivedAt };
    res.once("finish", () => {
      recorded.handledMs = performance.now() - receivedAt;
    });
    this.requests.push(recorded);
    const step = this.queue.shift();
    if (!step) {
      this.unexpected++;
      res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: `scripted LLM: no reply left for request ${this.requests.length}` },
        }),
      );
      return;
    }
    const reply = typeof step === "function" ? step(recorded) : step;
    switch (reply.kind) {
      case "error": {
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        const message = reply.message ?? `scripted error ${reply.status}`;
        // Ollama's errors are `{"error": "..."}`; OpenAI's `{"error": {"message": "..."}}`.
        res.end(JSON.stringify(api === "ollama" ? { error: message } : { error: { message } }));
        return;
      }
      case "hang":
        return;
      case "drop":
        return this.drop(res, reply.afterChunks, reply.text, body.model);
      case "recorded":
        return this.playRecorded(res, reply, api, body.stream !== false);
      case "endless":
        return this.endless(res, body.model, reply.everyMs);
      default:
        if (api === "ollama") return this.ollamaReply(res, reply, body, raw);
        return body.stream ? this.stream(res, reply, body, raw) : this.whole(res, reply, body.model, raw);
    }
  }

  /** Model metadata routes; true when the request was one of them. */
  private metadata(method: string, path: string, raw: string, res: ServerResponse): boolean {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
      return true;
    };
    if (method === "GET" && path === "/v1/models") {
      return json(200, {
        object: "list",
        data: Object.entries(this.models).map(([id, info]) => ({ id, object: "model", ...info.listed })),
      });
    }
    if (!this.options.ollama) return false;
    if (method === "GET" && path === "/api/version") return json(200, { version: "0.12.3" });
    if (method === "GET" && path === "/api/tags") return json(200, listTags(this.models));
    if (method === "POST" && path === "/api/show") {
      const shown = showModel(this.models, (JSON.parse(raw || "{}") as { model?: string }).model ?? "");
      return json(shown.status, shown.body);
    }
    return false;
  }

  /** Text chunks until the client disconnects (each write also checks, so the loop ends with the socket). */
  private async endless(res: ServerResponse, model: string, everyMs: number): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const piece = "all work and no play ".repeat(50);
    while (!res.destroyed && !res.writableEnded) {
      res.write(`data: ${JSON.stringify(envelope(model, [{ index: 0, delta: { content: piece } }]))}\n\n`);
      await sleep(everyMs);
    }
  }

  /** Recorded wire data, played back as the route's protocol frames it. */
  private async playRecorded(
    res: ServerResponse,
    reply: { chunks?: unknown[]; body?: unknown; chunkDelayMs?: number },
    api: "openai" | "ollama",
    stream: boolean,
  ): Promise<void> {
    if (!stream || !reply.chunks) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
      return;
    }
    if (api === "ollama") return writeNdjson(res, reply.chunks, reply.chunkDelayMs);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const chunk of reply.chunks) {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    }
    res.end("data: [DONE]\n\n");
  }

  private async ollamaReply(
    res: ServerResponse,
    reply: ModelReply,
    body: ChatBody,
    raw: string,
  ): Promise<void> {
    const parts = {
      text: reply.text ?? "",
      toolCalls: (reply.toolCalls ?? []).map((call) => ({
        name: call.name,
        arguments:
          typeof call.arguments === "string"
            ? (JSON.parse(call.arguments) as Record<string, unknown>)
            : call.arguments,
      })),
      doneReason: reply.finishReason === "length" ? "length" : "stop",
      promptTokens: reply.usage?.prompt ?? Math.ceil(raw.length / 4),
      completionTokens: reply.usage?.completion ?? 5,
    };
    if (body.stream === false) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(ollamaWhole(body.model, parts)));
      return;
    }
    await writeNdjson(res, ollamaParts(body.model, parts), reply.chunkDelayMs);
  }

  private whole(res: ServerResponse, reply: ModelReply, model: string, raw: string): void {
    const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({
      id: call.id ?? `call_${this.requests.length}_${i}`,
      type: "function",
      function: { name: call.name, arguments: argumentsText(call) },
    }));
    res.writeHead(200, { "content-type": "application/json", ...reply.headers });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${this.requests.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: reply.text ?? (toolCalls.length ? null : ""),
              ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
            },
            finish_reason: finishReason(reply),
          },
        ],
        usage: usageOf(reply, raw.length),
      }),
    );
  }

  private async stream(res: ServerResponse, reply: ModelReply, body: ChatBody, raw: string): Promise<void> {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      ...reply.headers,
    });
    const chunks = this.chunksFor(reply, body.model);
    for (const chunk of chunks) {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    }
    if (body.stream_options?.include_usage) {
      res.write(`data: ${JSON.stringify(envelope(body.model, [], usageOf(reply, raw.length)))}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  }

  private async drop(res: ServerResponse, afterChunks: number, text: string, model: string): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const chunks = this.chunksFor({ text }, model).slice(0, afterChunks);
    for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    await sleep(20);
    res.destroy();
  }

  private chunksFor(reply: ModelReply, model: string): unknown[] {
    const size = this.options.argChunkSize ?? 7;
    const chunks: unknown[] = [envelope(model, [{ index: 0, delta: { role: "assistant", content: "" } }])];
    for (const piece of split(reply.reasoning ?? "", 5)) {
      chunks.push(envelope(model, [{ index: 0, delta: { reasoning_content: piece } }]));
    }
    for (const piece of split(reply.text ?? "", 5)) {
      chunks.push(envelope(model, [{ index: 0, delta: { content: piece } }]));
    }
    (reply.toolCalls ?? []).forEach((call, i) => {
      const id = call.id ?? `call_${this.requests.length}_${i}`;
      const args = argumentsText(call);
      const index = this.options.omitIndex ? {} : { index: this.options.ollamaStyle ? 0 : i };
      if (this.options.ollamaStyle) {
        const part = { ...index, id, type: "function", function: { name: call.name, arguments: args } };
        chunks.push(envelope(model, [{ index: 0, delta: { tool_calls: [part] } }]));
        return;
      }
      const head = { ...index, id, type: "function", function: { name: call.name, arguments: "" } };
      chunks.push(envelope(model, [{ index: 0, delta: { tool_calls: [head] } }]));
      for (const piece of split(args, size)) {
        const part = { ...index, function: { arguments: piece } };
        chunks.push(envelope(model, [{ index: 0, delta: { tool_calls: [part] } }]));
      }
    });
    chunks.push(envelope(model, [{ index: 0, delta: {}, finish_reason: finishReason(reply) }]));
    return chunks;
  }
}

function envelope(model: string, choices: unknown[], usage?: unknown): Record<string, unknown> {
  return {
    id: "chatcmpl-scripted",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices,
    ...(usage ? { usage } : {}),
  };
}

function argumentsText(call: ScriptedToolCall): string {
  return typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
}

function finishReason(reply: ModelReply): string | null {
  if (reply.finishReason !== undefined) return reply.finishReason;
  return reply.toolCalls?.length ? "tool_calls" : "stop";
}

/** The reply's usage, or what a real server would count: about 4 characters a token of the request. */
function usageOf(reply: ModelReply, requestChars: number): Record<string, number> {
  const usage = reply.usage ?? { prompt: Math.ceil(requestChars / 4), completion: 5 };
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    ...(usage.cost !== undefined ? { cost: usage.cost } : {}),
  };
}

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}
