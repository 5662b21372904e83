// Child process for the rotation crash test: rotates with a deliberately slow Argon2 so the parent can kill
// it while the backup exists. Usage: keystore-rotator.ts <file> <old key> <new key>; prints "rotating".
import { Keystore } from "../../../agent/src/keys/keystore.js";

const [file, oldKey, newKey] = process.argv.slice(2);
if (file === undefined || oldKey === undefined || newKey === undefined) {
  throw new Error("usage: keystore-rotator <file> <old key> <new key>");
}
const store = await Keystore.open(file, oldKey, { kdf: { opsLimit: 4, memLimit: 64 * 1024 * 1024 } });
process.stdout.write("rotating\n");
await store.rotate(newKey);
process.stdout.write("done\n");
