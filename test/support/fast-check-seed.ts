// CI runs every property with one fixed seed so a run is reproducible; `npm run test:deep` and
// local runs keep exploring random seeds (and POL_SEED replays a printed one).
import fc from "fast-check";

if (process.env.CI && !process.env.POL_DEEP && !process.env.POL_SEED) fc.configureGlobal({ seed: 20251122 });
