// A reader that goes away (`pol check | head -1`) closes pol's stdout: writing to it then fails
// with EPIPE, which Node raises as an unhandled stream error with a stack trace. pol treats a
// closed stdout or stderr as "nobody is listening": later output to it is dropped and the command
// finishes with its own exit code, without a trace.

type Stream = NodeJS.WriteStream;

const closed = new WeakSet<Stream>();

/** Whether output to `stream` should be dropped because its reader has gone. */
export function isClosed(stream: Stream): boolean {
  return closed.has(stream) || stream.destroyed;
}

/** Install once, before the command runs (bin/pol.js). */
export function tolerateClosedOutput(streams: readonly Stream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED" || error.code === "EOF") {
        closed.add(stream);
        return;
      }
      // Any other failure of an output stream: nothing useful can be printed on it; stop quietly.
      closed.add(stream);
      process.exitCode ||= 1;
    });
  }
}

/** Write unless the stream's reader has gone. */
export function writeIfOpen(stream: Stream, text: string): void {
  if (isClosed(stream)) return;
  try {
    stream.write(text);
  } catch (error) {
    // A synchronous EPIPE (some platforms): the same as the asynchronous one.
    closed.add(stream);
    if ((error as NodeJS.ErrnoException)?.code !== "EPIPE") process.exitCode ||= 1;
  }
}
