// The shared store: one Redis for every agent of a team. Items are hashes, versions come from one counter,
// writes are Lua scripts (check the version, write, append to the change stream: atomic), and a reader on the
// stream keeps this process's replica of skills, approvals and tools current within milliseconds. ADR 019.
import { createClient, type RedisClientType } from "@redis/client";
import {
  checkItem,
  type MirroredKind,
  STORE_KINDS,
  type Store,
  type StoreChange,
  StoreConflictError,
  type StoredItem,
  StoreError,
  type StoreKind,
  type WriteOptions,
} from "./store.js";

export interface RedisStoreOptions {
  /** redis:// or rediss:// URL (STORE_URL). */
  url: string;
  /** Key prefix; the braces make every key one hash slot, so the scripts work on a cluster too. */
  prefix?: string;
  /** Longest wait for the first connection, in ms (default 5000). */
  connectTimeoutMs?: number;
}

const MIRRORED: readonly MirroredKind[] = ["skill", "approval", "tool"];
/** The change stream keeps about this many entries: a reader away for longer reloads everything. */
const STREAM_LENGTH = 10_000;
const READ_BLOCK_MS = 1000;

// KEYS: item, names, stream, clock. ARGV: expected ("*" any, "" absent, else a version), kind, name, then
// file name/text pairs (none: delete). Returns {1, version} or {0, actual version or ""}.
const WRITE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'version')
local expected = ARGV[1]
if expected ~= '*' then
  if expected == '' then
    if current then return {0, current} end
  elseif current ~= expected then
    return {0, current or ''}
  end
end
if #ARGV == 3 then
  if not current then return {1, ''} end
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[3])
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', '${STREAM_LENGTH}', '*', 'kind', ARGV[2], 'name', ARGV[3], 'version', '')
  return {1, current}
end
local version = tostring(redis.call('INCR', KEYS[4]))
redis.call('DEL', KEYS[1])
local fields = {'version', version}
for i = 4, #ARGV, 2 do
  fields[#fields + 1] = 'file:' .. ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', '${STREAM_LENGTH}', '*', 'kind', ARGV[2], 'name', ARGV[3], 'version', version)
return {1, version}
`;

export class RedisStore implements Store {
  readonly location: string;
  private readonly prefix: string;
  private readonly client: RedisClientType;
  private reader: RedisClientType | undefined;
  private readonly mirror = new Map<MirroredKind, Map<string, StoredItem>>();
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private closed = false;
  private connected = false;
  private reading: Promise<void> | undefined;

  private constructor(options: RedisStoreOptions) {
    this.location = redactUrl(options.url);
    this.prefix = options.prefix ?? "{tca}";
    this.client = createClient({
      url: options.url,
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 5000,
        // The first connection gives up after about 5 s (Redis starting beside the agent in Compose has that
        // long) with a clear message; later drops retry for ever, up to 2 s apart.
        reconnectStrategy: (retries, cause) =>
          this.connected ? Math.min(100 * 2 ** retries, 2000) : retries >= 10 ? cause : 500,
      },
    }) as RedisClientType;
    this.client.on("error", () => undefined); // reported by the command that fails; reconnects on its own
  }

  /** Connects, loads the replica of skills, approvals and tools, and starts following the change stream. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const store = new RedisStore(options);
    try {
      await store.client.connect();
    } catch (error) {
      throw new StoreError(
        `Cannot reach the store at ${store.location} (${(error as Error).message}): start Redis or fix STORE_URL.`,
      );
    }
    store.connected = true;
    const last = await store.client.xRevRange(store.key("changes"), "+", "-", { COUNT: 1 });
    for (const kind of MIRRORED) {
      store.mirror.set(kind, new Map((await store.list(kind)).map((item) => [item.name, item])));
    }
    store.reader = store.client.duplicate() as RedisClientType;
    store.reader.on("error", () => undefined);
    await store.reader.connect();
    store.reading = store.follow(last?.[0]?.id ?? "0-0");
    return store;
  }

  where(kind: StoreKind, name: string): string {
    return `${this.location}/${kind}/${name}`;
  }

  async get(kind: StoreKind, name: string): Promise<StoredItem | undefined> {
    checkItem(kind, name);
    return toItem(kind, name, await this.client.hGetAll(this.itemKey(kind, name)));
  }

  async list(kind: StoreKind): Promise<StoredItem[]> {
    const names = (await this.client.sMembers(this.key(`names:${kind}`))).sort();
    if (names.length === 0) return [];
    const batch = this.client.multi();
    for (const name of names) batch.hGetAll(this.itemKey(kind, name));
    const replies = (await batch.exec()) as unknown as Array<Record<string, string>>;
    return names.flatMap((name, i) => toItem(kind, name, replies[i] ?? {}) ?? []);
  }

  readNow(kind: MirroredKind): StoredItem[] {
    return [...(this.mirror.get(kind)?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  readProblem(_kind: MirroredKind): string | undefined {
    return this.client.isReady
      ? undefined
      : `the store at ${this.location} is out of reach (reconnecting); this is the library as last seen`;
  }

  async put(
    kind: StoreKind,
    name: string,
    files: Record<string, string>,
    options: WriteOptions = {},
  ): Promise<string> {
    checkItem(kind, name, files);
    const pairs = Object.entries(files).flat();
    const version = await this.write(kind, name, options, pairs);
    this.remember({ kind, name, version, files: { ...files } });
    return version;
  }

  async delete(kind: StoreKind, name: string, options: WriteOptions = {}): Promise<boolean> {
    checkItem(kind, name);
    const removed = (await this.write(kind, name, options, [])) !== "";
    if (kind !== "artifact") this.mirror.get(kind)?.delete(name);
    return removed;
  }

  watch(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.reader?.destroy();
    await this.reading?.catch(() => undefined);
    await this.client.close().catch(() => undefined);
  }

  private async write(
    kind: StoreKind,
    name: string,
    options: WriteOptions,
    pairs: string[],
  ): Promise<string> {
    const expected = options.expected === undefined ? "*" : (options.expected ?? "");
    const reply = (await this.client.eval(WRITE_SCRIPT, {
      keys: [this.itemKey(kind, name), this.key(`names:${kind}`), this.key("changes"), this.key("clock")],
      arguments: [expected, kind, name, ...pairs],
    })) as [number, string];
    if (reply[0] !== 1) {
      throw new StoreConflictError(kind, name, options.expected ?? null, reply[1] === "" ? null : reply[1]);
    }
    return reply[1];
  }

  /** Reads the change stream from `from` until closed: each entry refreshes the replica, then the listeners. */
  private async follow(from: string): Promise<void> {
    let id = from;
    while (!this.closed) {
      let batch: Awaited<ReturnType<RedisClientType["xRead"]>>;
      try {
        batch = await (this.reader as RedisClientType).xRead(
          { key: this.key("changes"), id },
          { BLOCK: READ_BLOCK_MS, COUNT: 100 },
        );
      } catch {
        if (this.closed) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      const streams = (batch ?? []) as Array<{
        messages: Array<{ id: string; message: Record<string, string> }>;
      }>;
      for (const { messages } of streams) {
        for (const entry of messages) {
          id = entry.id;
          await this.apply(entry.message).catch(() => undefined);
        }
      }
    }
  }

  private async apply(message: Record<string, string>): Promise<void> {
    const kind = message.kind as StoreKind;
    const name = message.name ?? "";
    if (!STORE_KINDS.includes(kind) || this.closed) return;
    const change: StoreChange = { kind, name, version: message.version || null };
    if (kind !== "artifact") {
      // The item as it is now (a later entry may already have replaced it): the replica never goes back.
      const item = await this.get(kind, name);
      if (item) this.remember(item);
      else this.mirror.get(kind)?.delete(name);
    }
    for (const listener of this.listeners) listener(change);
  }

  private remember(item: StoredItem): void {
    if (item.kind === "artifact") return;
    const items = this.mirror.get(item.kind);
    const known = items?.get(item.name);
    if (known && Number(known.version) > Number(item.version)) return;
    items?.set(item.name, item);
  }

  private key(suffix: string): string {
    return `${this.prefix}:${suffix}`;
  }

  private itemKey(kind: StoreKind, name: string): string {
    return this.key(`item:${kind}:${name}`);
  }
}

function toItem(kind: StoreKind, name: string, hash: Record<string, string>): StoredItem | undefined {
  const version = hash.version;
  if (version === undefined) return undefined;
  const files: Record<string, string> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith("file:")) files[field.slice(5)] = value;
  }
  return { kind, name, version, files };
}

/** The URL without its password, for messages and the banner. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "redis (invalid URL)";
  }
}
