// `pol lsp`: the language server for editors, speaking the Language Server Protocol over stdin
// and stdout until the editor closes the connection. `--stdio` is accepted because language
// clients pass it; stdio is the only transport.

import { startLanguageServer } from "../../index.js";

export async function runLsp(): Promise<void> {
  await startLanguageServer();
}
