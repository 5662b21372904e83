// An MCP transport over a sandbox container's attached stdio: newline-delimited JSON-RPC on its stdin and
// (demultiplexed) stdout. When the container ends on its own, onerror says how (OOM, exit code) before onclose.
import { Writable } from "node:stream";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type Dockerode from "dockerode";
import { type Logger, silentLogger } from "../log/logger.js";
import { describeContainerEnd, isNotFound } from "./docker-errors.js";
import { deliverJsonRpcLines } from "./json-rpc-lines.js";
import { SandboxError } from "./launcher.js";

/** How long the toolhost gets to exit after its stdin closed before the container is removed by force. */
const EXIT_GRACE_MS = 3_000;
/** Bound on every Docker call made while a container ends. */
const END_CALL_TIMEOUT_MS = 10_000;
/** How much of the toolhost's stderr is kept to explain an exit. */
const STDERR_TAIL_CHARS = 2_000;

export interface ContainerTransportOptions {
  /** A created, not yet started container whose main process speaks MCP on stdio. */
  container: Dockerode.Container;
  /** "the sandbox container tca-sandbox-..." for messages. */
  label: string;
  /** Receives the container's stderr lines at debug level. */
  logger?: Logger;
  /** Called once the container is gone (removed), whichever way it ended. */
  onRemoved?: () => void;
}

export class ContainerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private stream: NodeJS.ReadWriteStream | undefined;
  private readonly readBuffer = new ReadBuffer();
  private stderrTail = "";
  private closing = false;
  private ended: Promise<void> | undefined;
  /** How the container ended, once its attach stream closed without us asking. */
  private endReason: Promise<string> | undefined;

  constructor(private readonly options: ContainerTransportOptions) {}

  /** Attaches to the container's stdio, then starts it. Throws a SandboxError (and removes it) on failure. */
  async start(): Promise<void> {
    if (this.stream) throw new Error(`${this.options.label}: transport already started`);
    const { container, label } = this.options;
    const logger = this.options.logger ?? silentLogger;
    try {
      // Attach before start, so not one byte of the toolhost's output is missed.
      const stream = await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      });
      this.stream = stream;
      const stdout = new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          this.onStdout(chunk);
          done();
        },
      });
      const stderr = new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          const text = chunk.toString("utf8");
          this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
          logger.debug({ server: label, stderr: text.trimEnd() }, "sandbox stderr");
          done();
        },
      });
      container.modem.demuxStream(stream, stdout, stderr);
      stream.on("error", (error: Error) =>
        logger.debug({ server: label, err: error.message }, "attach error"),
      );
      let endedOnce = false;
      const onEnd = () => {
        if (endedOnce) return;
        endedOnce = true;
        this.ended = this.finish();
      };
      stream.once("end", onEnd);
      stream.once("close", onEnd);
      await container.start();
    } catch (error) {
      this.closing = true;
      await this.remove();
      throw error;
    }
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stream = this.stream;
    if (this.endReason !== undefined && !this.closing) {
      // Rejects before onclose fires, so the hub reconnects at once and its notice gives the real cause.
      throw new Error(`${await this.endReason} and is not connected`);
    }
    if (!stream || this.closing || this.ended) throw new Error(`${this.options.label}: not connected`);
    if (!stream.write(serializeMessage(message))) {
      await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
    }
  }

  /** Closes the toolhost's stdin (it exits and kills its commands), then removes the container. */
  async close(): Promise<void> {
    if (this.closing) {
      await this.ended;
      return;
    }
    this.closing = true;
    const stream = this.stream;
    if (!stream) {
      await this.remove();
      return;
    }
    stream.end();
    if (this.ended === undefined) {
      await this.options.container
        .wait({ condition: "not-running", abortSignal: AbortSignal.timeout(EXIT_GRACE_MS) })
        .catch(() => undefined);
    }
    await this.remove();
    (stream as unknown as { destroy?: () => void }).destroy?.();
    await this.ended;
  }

  /** The attach stream ended: the container stopped (or the daemon went away). */
  private async finish(): Promise<void> {
    if (!this.closing) {
      this.endReason = this.describeEnd();
      const reason = await this.endReason;
      this.onerror?.(new SandboxError(reason));
      await this.remove();
    }
    this.readBuffer.clear();
    this.onclose?.();
  }

  private async describeEnd(): Promise<string> {
    const { container, label } = this.options;
    await container
      .wait({ condition: "not-running", abortSignal: AbortSignal.timeout(END_CALL_TIMEOUT_MS) })
      .catch(() => undefined);
    const info = await container
      .inspect({ abortSignal: AbortSignal.timeout(END_CALL_TIMEOUT_MS) })
      .catch(() => undefined);
    const state = info?.State;
    const how = describeContainerEnd(
      state === undefined
        ? undefined
        : { exitCode: state.ExitCode, oomKilled: state.OOMKilled, error: state.Error },
      label,
    );
    const tail = this.stderrTail.trim().split("\n").slice(-5).join(" | ");
    return tail ? `${how} (stderr: ${tail})` : how;
  }

  private async remove(): Promise<void> {
    try {
      await this.options.container.remove({
        force: true,
        v: true,
        abortSignal: AbortSignal.timeout(END_CALL_TIMEOUT_MS),
      });
    } catch (error) {
      // Gone already, or being removed by a concurrent call: either way it will not linger.
      if (!isNotFound(error)) {
        (this.options.logger ?? silentLogger).warn(
          { server: this.options.label, err: String(error) },
          "removing the sandbox container failed",
        );
      }
    }
    this.options.onRemoved?.();
  }

  private onStdout(chunk: Buffer): void {
    deliverJsonRpcLines(this.readBuffer, chunk, this, this.options.label);
  }
}
