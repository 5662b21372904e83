// Last-resort removal of live sandbox containers when the agent exits without closing them (process.exit from
// anywhere): an exit handler cannot await, so a synchronous child sends the DELETE requests to the socket.
import { spawnSync } from "node:child_process";

const live = new Map<string, string>();
let installed = false;

// Runs in a child node: DELETE /containers/<id>?force=true for each id, then exit; bounded by spawnSync's timeout.
const REMOVER = `
const http = require("node:http");
const [socketPath, ...ids] = process.argv.slice(1);
let left = ids.length;
const done = () => { if (--left === 0) process.exit(0); };
for (const id of ids) {
  const req = http.request({ socketPath, method: "DELETE", path: "/containers/" + id + "?force=true" }, (res) => {
    res.resume();
    res.on("end", done);
  });
  req.on("error", done);
  req.end();
}`;

function removeAllNow(): void {
  const bySocket = new Map<string, string[]>();
  for (const [id, socketPath] of live) bySocket.set(socketPath, [...(bySocket.get(socketPath) ?? []), id]);
  for (const [socketPath, ids] of bySocket) {
    spawnSync(process.execPath, ["-e", REMOVER, socketPath, ...ids], { timeout: 5_000, stdio: "ignore" });
  }
  live.clear();
}

/** Remembers a running sandbox container to remove if the process exits before `forgetAtExit(id)`. */
export function removeAtExit(id: string, socketPath: string | undefined): void {
  if (socketPath === undefined) return;
  live.set(id, socketPath);
  if (installed) return;
  installed = true;
  process.on("exit", removeAllNow);
}

/** The container was removed the normal way. */
export function forgetAtExit(id: string): void {
  live.delete(id);
}
