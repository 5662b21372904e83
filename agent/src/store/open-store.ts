// Chooses the store from the configuration: the local folders by default, Redis when STORE_URL is set.
import { LocalStore, type LocalStoreOptions } from "./local-store.js";
import { RedisStore } from "./redis-store.js";
import type { Store } from "./store.js";

export interface OpenStoreOptions extends LocalStoreOptions {
  /** STORE_URL: a redis:// or rediss:// URL, or absent for the local folders. */
  url?: string;
}

/** The configured store, connected. Throws StoreError (one line, with the fix) when Redis cannot be reached. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.url === undefined) return new LocalStore(options);
  return RedisStore.connect({ url: options.url });
}
