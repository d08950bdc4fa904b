// CI runs every property with one fixed seed so a run is reproducible; `npm run test:deep` and
// local runs keep exploring random seeds. POL_SEED (with POL_PATH) replays a printed one, for the
// properties that take their parameters from `property()` and for every other one alike.
import fc from "fast-check";

const replayed = process.env.POL_SEED;
if (replayed !== undefined && replayed !== "" && Number.isInteger(Number(replayed))) {
  fc.configureGlobal({ seed: Number(replayed), ...(process.env.POL_PATH ? { path: process.env.POL_PATH } : {}) });
} else if (process.env.CI && !process.env.POL_DEEP) {
  fc.configureGlobal({ seed: 20251122 });
}
