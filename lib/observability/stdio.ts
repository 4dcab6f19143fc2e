import { Console } from 'node:console';
import { EventEmitter } from 'node:events';
import { writeSync } from 'node:fs';
import { runsLocally } from '../config';

type Fd = 1 | 2;
type WriteCallback = (error?: Error | null) => void;

const nodeStream = (fd: Fd): NodeJS.WriteStream => (fd === 1 ? process.stdout : process.stderr);

/**
 * The stream under the logger's and the metrics' Console in a Lambda: each line goes out with
 * a synchronous write(2) on the descriptor. Logging through process.stdout would create it at
 * module init — on Lambda's pipe a net.Socket, which loads net and Node's stream machinery
 * (3–4 ms, most of health's init) — only to write the same bytes synchronously, as Node does
 * on Linux pipes anyway.
 *
 * Once Node has made the descriptor non-blocking (anything in the process that touched
 * process.stdout does), a full pipe answers EAGAIN: the rest of that line and every later one
 * then go through Node's own stream, which queues them in order. No line is lost or reordered.
 * Run locally (npm start, invoke local, tests) every line goes through process.stdout/stderr,
 * where serverless-offline and the tests expect it.
 */
export class StdioSink extends EventEmitter {
  /** Where lines go once the descriptor is not written directly: from the start when local. */
  #stream: NodeJS.WriteStream | undefined;

  constructor(
    private readonly fd: Fd,
    local: () => boolean = runsLocally,
  ) {
    super();
    if (local()) this.#stream = nodeStream(fd);
  }

  write(chunk: string | Uint8Array, callback?: WriteCallback): boolean {
    if (this.#stream !== undefined) return this.#stream.write(chunk, callback);
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      this.#stream = nodeStream(this.fd);
      return this.#stream.write(bytes.subarray(written), callback);
    }
    callback?.(null);
    return true;
  }
}

/**
 * One sink per descriptor for every Console: once the logger's has handed over to
 * process.stdout, the metrics' lines queue behind its lines instead of overtaking them.
 */
let shared: { readonly stdout: StdioSink; readonly stderr: StdioSink } | undefined;

/** A Console on stdout and stderr that creates neither process.stdout nor process.stderr. */
export function stdioConsole(): Console {
  shared ??= { stdout: new StdioSink(1), stderr: new StdioSink(2) };
  return new Console({
    stdout: shared.stdout as unknown as NodeJS.WritableStream,
    stderr: shared.stderr as unknown as NodeJS.WritableStream,
  });
}

// The `stdio-sink` bundle trick (infra/esbuild.config.cjs): false when a build turns it off.
declare const __HANDSHAKE_STDIO_SINK__: boolean | undefined;

/** Whether Logger and Metrics write through the sink: in every bundle but one built without it. */
export const stdioSinkOn = (): boolean =>
  typeof __HANDSHAKE_STDIO_SINK__ === 'undefined' || __HANDSHAKE_STDIO_SINK__;

/**
 * Makes instances of a Powertools Logger or Metrics subclass write through stdioConsole() — the
 * `stdio-sink` bundle trick. Both make their Console in setConsole(), called from their
 * constructor; it is private, so it is replaced on the subclass's prototype rather than
 * overridden in TypeScript. That is why both packages are pinned exactly in package.json and
 * test/infra/bundle-tricks.unit.test.ts fails the day a version stops calling it.
 * `traceWithoutStack` keeps what Logger's own setConsole() does: trace() prints the line
 * without a stack trace.
 */
export function writeThroughStdio(
  subclass: abstract new (...args: never[]) => object,
  { traceWithoutStack }: { readonly traceWithoutStack: boolean },
): void {
  if (stdioSinkOn()) {
    Object.defineProperty(subclass.prototype, 'setConsole', {
      value: function setConsole(this: { console: Console }) {
        const made = stdioConsole();
        if (traceWithoutStack)
          made.trace = (message?: unknown, ...rest: unknown[]) => made.log(message, ...rest);
        this.console = made;
      },
    });
  }
}
