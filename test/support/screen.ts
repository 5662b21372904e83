// What a person sees: the bytes a program wrote to its terminal, rendered by a real terminal emulator
// (@xterm/headless, the engine of VS Code's terminal). Tests assert visible lines, not escape sequences.
import xterm from "@xterm/headless";

export interface ScreenSize {
  cols: number;
  rows: number;
}

/** A visible line and whether its text is dimmed (the first non-blank cell's attribute). */
export interface StyledLine {
  text: string;
  dim: boolean;
}

/** The size test/support/pty-host.py gives its terminal. */
export const PTY_SIZE: ScreenSize = { cols: 120, rows: 40 };

/**
 * Renders `bytes` and returns every line a person could see or scroll back to, right-trimmed, without the
 * empty lines below the cursor. Wrapped lines stay split as the terminal shows them.
 */
export function renderScreen(bytes: string, size: ScreenSize = PTY_SIZE): Promise<string[]> {
  const terminal = new xterm.Terminal({ ...size, scrollback: 10_000, allowProposedApi: true });
  return new Promise((resolve) => {
    terminal.write(bytes, () => {
      const buffer = terminal.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buffer.length; i++)
        lines.push((buffer.getLine(i)?.translateToString(true) ?? "").trimEnd());
      const cursorLine = buffer.baseY + buffer.cursorY;
      while (lines.length > cursorLine + 1 && lines.at(-1) === "") lines.pop();
      terminal.dispose();
      resolve(lines);
    });
  });
}

/** Like renderScreen, with each line's dim attribute, for "shown apart, dimmed" assertions. */
export function renderStyledScreen(bytes: string, size: ScreenSize = PTY_SIZE): Promise<StyledLine[]> {
  const terminal = new xterm.Terminal({ ...size, scrollback: 10_000, allowProposedApi: true });
  return new Promise((resolve) => {
    terminal.write(bytes, () => {
      const buffer = terminal.buffer.active;
      const lines: StyledLine[] = [];
      for (let i = 0; i < buffer.length; i++) {
        const line = buffer.getLine(i);
        const text = (line?.translateToString(true) ?? "").trimEnd();
        const first = text.search(/\S/);
        const cell = first >= 0 ? line?.getCell(first) : undefined;
        lines.push({ text, dim: Boolean(cell?.isDim()) });
      }
      terminal.dispose();
      resolve(lines);
    });
  });
}
