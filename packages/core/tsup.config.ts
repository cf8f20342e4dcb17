import { defineConfig } from "tsup"
import { sharedConfig } from "../../tsup.shared.js"

export default defineConfig({
  ...(sharedConfig as object),
  // The executor's worker-thread entry is loaded by file, next to the bundle.
  entry: {
    index: "src/index.ts",
    "executor/index": "src/executor/index.ts",
    "rdd/index": "src/rdd/index.ts",
    "rpc/index": "src/rpc/index.ts",
    "scheduler/index": "src/scheduler/index.ts",
    "shuffle/index": "src/shuffle/index.ts",
    "storage/index": "src/storage/index.ts",
    "util/index": "src/util/index.ts",
    "internal/executor/workerMain": "src/internal/executor/workerMain.ts",
    "cli/tspark": "src/cli/tspark.ts"
  },
  // The subpath entries share one copy of each module (an `RDD` from `@tspark/core/rdd` is the class
  // `SparkContext` builds) in both formats: esbuild splits ESM by default, CJS only when asked.
  splitting: true,
  // import.meta.url locates the worker entry from the CommonJS build too.
  shims: true
})
