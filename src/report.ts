// Rendering determinations for `pol eval`: a reviewer's letter (text) or stable JSON.

export { renderText } from "./report/text.js";
export { renderJson } from "./report/json.js";
