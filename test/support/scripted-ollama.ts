// Ollama's native API for the scripted LLM server: /api/chat as NDJSON (or one JSON object), tool calls whole
// with object arguments and no ids, a final `done` part with `done_reason` and token counts; /api/show,
// /api/tags and /api/version from the models the test declares.

import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** What the scripted server knows of a model, for /api/show, /api/tags and /v1/models. */
export interface ScriptedModelInfo {
  /** `model_info["<arch>.context_length"]` in /api/show. */
  contextLength?: number;
  /** /api/show `capabilities` (Ollama: "completion", "tools", "thinking"). */
  capabilities?: string[];
  /** Extra fields of the model's /v1/models entry (`max_model_len`, `context_length`, ...). */
  listed?: Record<string, unknown>;
}

/** One reply in the shape the scripted server plays (see scripted-llm.ts). */
export interface OllamaReplyParts {
  text: string;
  thinking?: string;
  toolCalls: Array<{ name: string; arguments: Record<string, unknown> }>;
  doneReason: string;
  promptTokens: number;
  completionTokens: number;
}

function part(model: string, message: Record<string, unknown>, done = false): Record<string, unknown> {
  return { model, created_at: new Date().toISOString(), message: { role: "assistant", ...message }, done };
}

/** The parts Ollama streams for a reply: thinking, then content in pieces, the calls whole, then `done`. */
export function ollamaParts(model: string, reply: OllamaReplyParts): Record<string, unknown>[] {
  const parts: Record<string, unknown>[] = [];
  for (let i = 0; i < (reply.thinking ?? "").length; i += 5) {
    parts.push(part(model, { content: "", thinking: reply.thinking?.slice(i, i + 5) }));
  }
  for (let i = 0; i < reply.text.length; i += 5)
    parts.push(part(model, { content: reply.text.slice(i, i + 5) }));
  if (reply.toolCalls.length > 0) {
    const calls = reply.toolCalls.map((call) => ({
      function: { name: call.name, arguments: call.arguments },
    }));
    parts.push(part(model, { content: "", tool_calls: calls }));
  }
  parts.push({
    ...part(model, { content: "" }, true),
    done_reason: reply.doneReason,
    prompt_eval_count: reply.promptTokens,
    eval_count: reply.completionTokens,
  });
  return parts;
}

/** All parts folded into the one object a non-streamed /api/chat returns. */
export function ollamaWhole(model: string, reply: OllamaReplyParts): Record<string, unknown> {
  const calls = reply.toolCalls.map((call) => ({ function: { name: call.name, arguments: call.arguments } }));
  return {
    ...part(
      model,
      {
        content: reply.text,
        ...(reply.thinking ? { thinking: reply.thinking } : {}),
        ...(calls.length ? { tool_calls: calls } : {}),
      },
      true,
    ),
    done_reason: reply.doneReason,
    prompt_eval_count: reply.promptTokens,
    eval_count: reply.completionTokens,
  };
}

export async function writeNdjson(res: ServerResponse, parts: unknown[], delayMs = 0): Promise<void> {
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  for (const value of parts) {
    if (res.destroyed) return;
    res.write(`${JSON.stringify(value)}\n`);
    if (delayMs) await sleep(delayMs);
  }
  res.end();
}

/** /api/show for a declared model (404 with Ollama's message for an unknown one). */
export function showModel(
  models: Record<string, ScriptedModelInfo>,
  name: string,
): { status: number; body: unknown } {
  const info = models[name];
  if (!info) return { status: 404, body: { error: `model '${name}' not found` } };
  return {
    status: 200,
    body: {
      details: { family: "qwen2", parameter_size: "7.6B", quantization_level: "Q4_K_M" },
      model_info: {
        "general.architecture": "qwen2",
        ...(info.contextLength ? { "qwen2.context_length": info.contextLength } : {}),
      },
      capabilities: info.capabilities ?? ["completion", "tools"],
    },
  };
}

export function listTags(models: Record<string, ScriptedModelInfo>): unknown {
  return { models: Object.keys(models).map((name) => ({ name, model: name, size: 4_683_087_332 })) };
}
