// `node:path` in the browser: path-browserify, Node's POSIX path module as a package.
import path from "path-browserify";

export const { isAbsolute, relative, resolve, join, dirname, normalize, sep, posix, basename } = path;
export default path;
