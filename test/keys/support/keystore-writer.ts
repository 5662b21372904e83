// Child process for the crash test: rewrites the store with two alternating versions until it is killed.
// Usage: node --import tsx keystore-writer.ts <file> <master key>; prints "ready" once a version is on disk.
import { Keystore } from "../../../agent/src/keys/keystore.js";
import { CHEAP, CRASH_VERSIONS } from "./temp-store.js";

const [file, masterKey] = process.argv.slice(2);
if (file === undefined || masterKey === undefined)
  throw new Error("usage: keystore-writer <file> <master key>");
const store = await Keystore.open(file, masterKey, CHEAP);
await store.set("provider", CRASH_VERSIONS[0]);
process.stdout.write("ready\n");
for (let n = 1; ; n++) await store.set("provider", CRASH_VERSIONS[n % 2] as string);
