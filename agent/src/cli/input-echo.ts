// The line editor's view of the terminal: a pass-through to the real output that can be silenced. While a turn
// runs the editor keeps reading keys (Ctrl-C, typed-ahead text) but must not draw: its redraws move the cursor
// and clear to the end of the screen, which would erase streamed output. A secret prompt lets only newlines through.
import { Writable } from "node:stream";

export type EchoMode =
  /** Everything the line editor writes reaches the terminal. */
  | "on"
  /** Nothing reaches it (a turn is running; keys are kept for the next prompt). */
  | "off"
  /** Only line ends reach it (a key is being typed). */
  | "secret";

export class InputEcho extends Writable {
  mode: EchoMode = "on";

  constructor(private readonly target: NodeJS.WriteStream | Writable) {
    super({ decodeStrings: false });
    // The line editor sizes its lines from `columns` and redraws on "resize": mirror the real terminal's.
    target.on("resize", () => this.emit("resize"));
  }

  get columns(): number | undefined {
    return (this.target as NodeJS.WriteStream).columns;
  }

  get rows(): number | undefined {
    return (this.target as NodeJS.WriteStream).rows;
  }

  get isTTY(): boolean {
    return Boolean((this.target as NodeJS.WriteStream).isTTY);
  }

  override _write(
    chunk: string | Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    const text = chunk.toString();
    if (this.mode === "on") this.target.write(text);
    else if (this.mode === "secret" && text.includes("\n")) this.target.write("\r\n");
    done();
  }
}
