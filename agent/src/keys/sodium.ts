// Loads libsodium (the sumo build: Argon2id lives only there) once, for the keystore.
// Its ESM entry works under Node 20 and 24 (0.8.x); the WebAssembly init is async, hence the await.
import sodium from "libsodium-wrappers-sumo";

/** The initialised libsodium module. */
export type Sodium = typeof sodium;

/** Resolves to libsodium once its WebAssembly module is ready; cheap after the first call. */
export async function loadSodium(): Promise<Sodium> {
  await sodium.ready;
  return sodium;
}
