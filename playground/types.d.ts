// Module types the bundler provides: `.pol` files are imported as text (playground/build.mjs).
declare module "*.pol" {
  const text: string;
  export default text;
}
declare module "path-browserify" {
  import path from "node:path";
  export default path.posix;
}
