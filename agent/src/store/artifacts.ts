// Named files and JSON values a session keeps (code mode's `.agent/artifacts/`), over the store: the workspace
// folder with the local store, shared by every agent with Redis. The API code mode plugs into.
import { type Store, StoreError } from "./store.js";

/** One artifact's name and content. */
export interface Artifact {
  name: string;
  /** The stored text. */
  text: string;
  /** The store's version: pass it back to `save` to replace exactly this one. */
  version: string;
}

export class Artifacts {
  constructor(private readonly store: Store) {}

  /** Saves text under `name` (letters, digits, '.', '-', '_'); returns the new version. */
  save(name: string, text: string, options: { expected?: string | null } = {}): Promise<string> {
    return this.store.put("artifact", name, { data: text }, options);
  }

  /** Saves a JSON value (pretty-printed) under `name`. */
  saveJson(name: string, value: unknown, options: { expected?: string | null } = {}): Promise<string> {
    const text = JSON.stringify(value, null, 2);
    if (text === undefined) throw new StoreError(`Artifact "${name}": the value is not JSON.`);
    return this.save(name, `${text}\n`, options);
  }

  /** The artifact, or undefined. */
  async load(name: string): Promise<Artifact | undefined> {
    const item = await this.store.get("artifact", name);
    return item ? { name, text: item.files.data ?? "", version: item.version } : undefined;
  }

  /** The artifact parsed as JSON, or undefined when there is none. Throws StoreError when it is not JSON. */
  async loadJson(name: string): Promise<unknown> {
    const artifact = await this.load(name);
    if (!artifact) return undefined;
    try {
      return JSON.parse(artifact.text);
    } catch {
      throw new StoreError(`Artifact "${name}" is not JSON.`);
    }
  }

  /** Every artifact's name and size in bytes, sorted by name. */
  async list(): Promise<Array<{ name: string; size: number }>> {
    const items = await this.store.list("artifact");
    return items.map((item) => ({ name: item.name, size: Buffer.byteLength(item.files.data ?? "", "utf8") }));
  }

  /** Every artifact's name, sorted. */
  async names(): Promise<string[]> {
    return (await this.store.list("artifact")).map((item) => item.name);
  }

  /** Deletes an artifact; false when there was none. */
  delete(name: string): Promise<boolean> {
    return this.store.delete("artifact", name);
  }
}
