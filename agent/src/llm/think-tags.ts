// Reasoning written inline as `<think>...</think>` (qwen3, deepseek-r1 and their distills on Ollama's /v1,
// llama.cpp, vLLM without a reasoning parser) is split from the answer as it streams, so it is shown apart and
// never sent back to the model as part of the answer.

const OPEN = "<think>";
const CLOSE = "</think>";

export interface SplitText {
  answer: string;
  reasoning: string;
}

/** Splits streamed content into answer and reasoning; a tag cut across two pieces is held until complete. */
export class ThinkTagSplitter {
  private inside = false;
  private held = "";
  /** Still at the start of the answer: the whitespace a model puts after `</think>` is dropped. */
  private answerStarted = false;

  push(piece: string): SplitText {
    const out: SplitText = { answer: "", reasoning: "" };
    let text = this.held + piece;
    this.held = "";
    while (text) {
      const tag = this.inside ? CLOSE : OPEN;
      const at = text.indexOf(tag);
      if (at >= 0) {
        this.emit(out, text.slice(0, at));
        this.inside = !this.inside;
        text = text.slice(at + tag.length);
        continue;
      }
      const keep = partialTagLength(text, tag);
      this.emit(out, text.slice(0, text.length - keep));
      this.held = text.slice(text.length - keep);
      break;
    }
    return out;
  }

  /** What is held at the end of the stream (a lone "<thi" was text after all). */
  flush(): SplitText {
    const out: SplitText = { answer: "", reasoning: "" };
    this.emit(out, this.held);
    this.held = "";
    return out;
  }

  private emit(out: SplitText, text: string): void {
    if (!text) return;
    if (this.inside) {
      out.reasoning += text;
      return;
    }
    const shown = this.answerStarted ? text : text.replace(/^\s+/, "");
    if (shown) this.answerStarted = true;
    out.answer += shown;
  }
}

/**
 * A whole content split into answer and reasoning. Also handles a content that has only the closing tag: chat
 * templates that open `<think>` themselves make the model write "reasoning...</think>answer".
 */
export function splitThinkTags(content: string): SplitText {
  if (!content.includes(OPEN) && content.includes(CLOSE)) {
    const at = content.indexOf(CLOSE);
    return { reasoning: content.slice(0, at).trim(), answer: content.slice(at + CLOSE.length).trimStart() };
  }
  const splitter = new ThinkTagSplitter();
  const first = splitter.push(content);
  const rest = splitter.flush();
  return { answer: first.answer + rest.answer, reasoning: (first.reasoning + rest.reasoning).trim() };
}

/** Length of the longest suffix of `text` that begins `tag` (a tag cut between two pieces). */
function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (tag.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}
