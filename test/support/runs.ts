export function runs(base: number): number {
  return process.env.POL_DEEP ? base * 100 : base;
}
