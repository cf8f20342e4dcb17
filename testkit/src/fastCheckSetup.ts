// A vitest setup file (packages name it in their setupFiles): fast-check
// configured for every test file.
import fc from "fast-check"

// Deterministic by default: every run explores the same cases. Set FC_SEED to
// explore others (FC_SEED=random for a fresh seed); failing seeds found that
// way are kept as regression cases in the tests.
const seed = process.env["FC_SEED"]
if (seed !== "random") {
  fc.configureGlobal({
    seed: seed === undefined ? 20_260_501 : Number(seed),
    ...(process.env["FC_NUM_RUNS"] ? { numRuns: Number(process.env["FC_NUM_RUNS"]) } : {})
  })
} else if (process.env["FC_NUM_RUNS"]) {
  fc.configureGlobal({ numRuns: Number(process.env["FC_NUM_RUNS"]) })
}
