// Preloaded with `node --import` to list every module a process loads: ES modules through a
// module-loading hook, CommonJS modules from the require cache when the process exits. Each
// module's URL or path is appended, one a line, to the file named by POL_MODULE_LOG.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const log = process.env.POL_MODULE_LOG;
if (log) {
  const hooks = `
    import { appendFileSync } from "node:fs";
    export async function load(url, context, nextLoad) {
      appendFileSync(${JSON.stringify(log)}, url + "\\n");
      return nextLoad(url, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  const require = createRequire(import.meta.url);
  process.on("exit", () => {
    const required = Object.keys(require.cache).map((path) => pathToFileURL(path).href);
    if (required.length > 0) appendFileSync(log, required.join("\n") + "\n");
  });
}
