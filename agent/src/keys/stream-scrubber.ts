// Scrubs text that arrives in pieces (a streamed answer): a key split across chunks is caught by holding back
// the raw tail that could still be part of a secret, and releasing it (scrubbed) once it cannot.

/** What the stream scrubber needs of the secret set. */
export interface Scrubber {
  /** `text` with every complete secret (in any form) replaced. */
  scrub(text: string): string;
  /** Length of the longest suffix of `text` that may be part of a secret still being written, 0 when none. */
  partialSecretLength(text: string): number;
}

export class StreamScrubber {
  private held = "";

  constructor(private readonly secrets: Scrubber) {}

  /**
   * Feeds one piece; returns what is safe to show now. The raw tail that may be part of a secret is held; the
   * rest is scrubbed and shown. Showing it is safe only if no match straddles the cut, which holds by the
   * choice of tail unless the text is pathological: then everything is held until the next piece.
   */
  push(piece: string): string {
    if (!piece) return "";
    const raw = this.held + piece;
    const cut = raw.length - this.secrets.partialSecretLength(raw);
    const shown = this.secrets.scrub(raw.slice(0, cut));
    if (cut < raw.length && shown + this.secrets.scrub(raw.slice(cut)) !== this.secrets.scrub(raw)) {
      this.held = raw;
      return "";
    }
    this.held = raw.slice(cut);
    return shown;
  }

  /** The held tail, once the stream has ended (it was not a secret after all). */
  flush(): string {
    const rest = this.secrets.scrub(this.held);
    this.held = "";
    return rest;
  }
}
