import { mergeConfig } from "vitest/config"
import { sharedConfig } from "../../vitest.shared.js"

// Run from this directory (its name ends in "mqtt"), Vite resolves core's bare `import "tls"` to a file here
// (<package>/tls) instead of the built-in, apparently matching the directory to the package named "mqtt", whose
// `browser` field maps `fs`, `net` and `tls` to nothing; a directory of another name does not. Name the built-ins.
export default mergeConfig(sharedConfig, {
  resolve: { alias: [{ find: /^(fs|net|tls)$/, replacement: "node:$1" }] }
})
