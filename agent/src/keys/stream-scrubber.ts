// Scrubs text that arrives in pieces (a streamed answer): a key split across two chunks is caught by holding
// back the shortest tail that could still become a secret, and releasing it once it cannot.

/** What the stream scrubber needs of the secret set. */
export interface Scrubber {
  /** `text` with every complete secret (in any form) replaced. */
  scrub(text: string): string;
  /** Length of the longest suffix of `text` that is the start of a secret form, 0 when none. */
  partialSecretLength(text: string): number;
}

export class StreamScrubber {
  private held = "";

  constructor(private readonly secrets: Scrubber) {}

  /**
   * Feeds one piece; returns what is safe to show now. Scrubbing the whole buffer first and holding back only
   * an incomplete secret's start means no secret can straddle what is shown and what is held.
   */
  push(piece: string): string {
    if (!piece) return "";
    const scrubbed = this.secrets.scrub(this.held + piece);
    const keep = this.secrets.partialSecretLength(scrubbed);
    this.held = scrubbed.slice(scrubbed.length - keep);
    return scrubbed.slice(0, scrubbed.length - keep);
  }

  /** The held tail, once the stream has ended (it was not a secret after all). */
  flush(): string {
    const rest = this.held;
    this.held = "";
    return rest;
  }
}
