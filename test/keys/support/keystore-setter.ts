// Child process for the concurrency test: an agent that opened the store and stores one key when told to.
// Usage: node keystore-setter.js <file> <master key> <provider> <key>; prints "opened", waits for a line on
// stdin, stores the key, prints "stored" (or the error's code) and exits.
import { once } from "node:events";
import { Keystore } from "../../../agent/src/keys/keystore.js";
import { KeystoreError } from "../../../agent/src/keys/keystore-error.js";
import { CHEAP } from "./temp-store.js";

const [file, masterKey, provider, key] = process.argv.slice(2);
if (file === undefined || masterKey === undefined || provider === undefined || key === undefined)
  throw new Error("usage: keystore-setter <file> <master key> <provider> <key>");
const store = await Keystore.open(file, masterKey, CHEAP);
process.stdout.write("opened\n");
process.stdin.resume();
await once(process.stdin, "data");
try {
  await store.set(provider, key);
  process.stdout.write("stored\n");
} catch (error) {
  process.stdout.write(`${KeystoreError.isInstance(error) ? error.code : String(error)}\n`);
}
process.exit(0);
