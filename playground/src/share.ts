// A shareable link: the policy's text and the case, compressed (deflate) into the URL's fragment,
// so nothing leaves the browser. `#v1.` marks the format.

export interface Shared {
  /** The seed the text started from (its path in the in-memory project). */
  seed: string;
  source: string;
  caseText: string;
}

const PREFIX = "#v1.";

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export async function encodeShared(shared: Shared): Promise<string> {
  const json = JSON.stringify({ seed: shared.seed, source: shared.source, case: shared.caseText });
  return PREFIX + toBase64Url(await pipe(new TextEncoder().encode(json), new CompressionStream("deflate-raw")));
}

/** The shared state in a URL fragment; undefined when there is none; an error when it is damaged. */
export async function decodeShared(hash: string): Promise<Shared | undefined> {
  if (!hash.startsWith(PREFIX)) return undefined;
  let value: unknown;
  try {
    const bytes = await pipe(fromBase64Url(hash.slice(PREFIX.length)), new DecompressionStream("deflate-raw"));
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error("this link is damaged: it does not hold a policy and a case");
  }
  const { seed, source, case: caseText } = value as Record<string, unknown>;
  if (typeof seed !== "string" || typeof source !== "string" || typeof caseText !== "string") {
    throw new Error("this link is damaged: it does not hold a policy and a case");
  }
  return { seed, source, caseText };
}
