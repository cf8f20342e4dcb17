import { defineConfig } from "tsup"
import { sharedConfig } from "../../tsup.shared.js"

export default defineConfig({
  ...(sharedConfig as object),
  // The executor's worker-thread entry is loaded by file, next to the bundle.
  entry: {
    index: "src/index.ts",
    "internal/executor/workerMain": "src/internal/executor/workerMain.ts",
    "cli/tspark": "src/cli/tspark.ts"
  },
  // import.meta.url locates the worker entry from the CommonJS build too.
  shims: true
})
