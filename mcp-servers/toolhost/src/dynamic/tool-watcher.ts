// Notices changes under dynamic-tools/: fs.watch on the folder and on each tool folder (recursive watching is
// not available on Linux in Node 20), debounced, plus a periodic rescan for what fs.watch misses (bind mounts).
import { type FSWatcher, watch } from "node:fs";
import path from "node:path";

export interface ToolWatcherOptions {
  /** The dynamic-tools folder. */
  directory: string;
  /** Called (debounced) after something changed, and on every periodic tick. Must not throw. */
  onChange: () => void;
  /** Quiet time before onChange, in milliseconds. */
  debounceMs?: number;
  /** Period of the fallback rescan, in milliseconds. */
  intervalMs?: number;
  /** Where watch errors are reported. */
  logError: (message: string) => void;
}

export class ToolWatcher {
  private root: FSWatcher | undefined;
  private readonly folders = new Map<string, FSWatcher>();
  private debounce: NodeJS.Timeout | undefined;
  private readonly interval: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: ToolWatcherOptions) {
    this.root = this.watchPath(options.directory, () => {
      this.root = undefined;
    });
    this.interval = setInterval(() => options.onChange(), options.intervalMs ?? 5000);
    this.interval.unref();
  }

  /** Watches exactly these tool folders (by name) from now on. */
  follow(names: Iterable<string>): void {
    if (this.closed) return;
    const wanted = new Set(names);
    for (const [name, watcher] of this.folders) {
      if (wanted.has(name)) continue;
      watcher.close();
      this.folders.delete(name);
    }
    for (const name of wanted) {
      if (this.folders.has(name)) continue;
      const watcher = this.watchPath(path.join(this.options.directory, name), () =>
        this.folders.delete(name),
      );
      if (watcher !== undefined) this.folders.set(name, watcher);
    }
    // The root watcher may have died (the folder was replaced); the periodic rescan brings it back.
    this.root ??= this.watchPath(this.options.directory, () => {
      this.root = undefined;
    });
  }

  /** Stops watching. Idempotent. */
  close(): void {
    this.closed = true;
    clearTimeout(this.debounce);
    clearInterval(this.interval);
    this.root?.close();
    this.root = undefined;
    for (const watcher of this.folders.values()) watcher.close();
    this.folders.clear();
  }

  private watchPath(target: string, onGone: () => void): FSWatcher | undefined {
    try {
      const watcher = watch(target, { persistent: false }, () => this.schedule());
      watcher.on("error", () => {
        // The folder went away (a tool deleted): forget the watcher; the rescan drops the tool.
        watcher.close();
        onGone();
        this.schedule();
      });
      return watcher;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") {
        this.options.logError(`toolhost: cannot watch ${target}: ${(error as Error).message}`);
      }
      return undefined;
    }
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.options.onChange(), this.options.debounceMs ?? 150);
    this.debounce.unref();
  }
}
