import { defineConfig } from "tsup"
import { sharedConfig } from "../../tsup.shared.js"

export default defineConfig({
  ...(sharedConfig as object),
  entry: ["src/index.ts", "src/dstream/index.ts", "src/testing/index.ts", "src/receiver/index.ts", "src/rdd/index.ts"]
})
