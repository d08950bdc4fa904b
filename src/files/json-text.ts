// Turning JSON.parse failures into messages that point at the file's line and column.

/** JSON.parse's message with its character offset, when it gives one, as a line and column. */
export function jsonErrorMessage(error: Error, text: string): string {
  const position = /at position (\d+)/.exec(error.message);
  if (!position) return error.message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split(/\r\n|\r|\n/).length;
  const column = offset - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
  return `${error.message.replace(/\s*\(line \d+ column \d+\)$/, "")} (line ${line}, column ${column})`;
}
