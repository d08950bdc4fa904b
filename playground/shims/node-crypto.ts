// `node:crypto` in the browser: `createHash("sha256")`, all the checker asks of it (the source
// hash stamped into generated code), from @noble/hashes, synchronous like Node's.
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";

export function createHash(algorithm: string) {
  if (algorithm !== "sha256") throw new Error(`only sha256 is available in the browser, not ${algorithm}`);
  const hash = sha256.create();
  const api = {
    update(text: string) {
      hash.update(utf8ToBytes(text));
      return api;
    },
    digest(encoding: "hex") {
      if (encoding !== "hex") throw new Error("only hex digests are available in the browser");
      return bytesToHex(hash.digest());
    },
  };
  return api;
}
