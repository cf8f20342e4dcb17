import { mergeConfig } from "vitest/config"
import { sharedConfig } from "../../vitest.shared.js"

// Sibling packages' builds (and this package's own, which executors import by name through
// Closure.fromModule) load through Node, not vite's transform, so that the tests and the executors
// share one copy of each module.
export default mergeConfig(sharedConfig, {
  test: { setupFiles: ["../../testkit/src/fastCheckSetup.ts"], server: { deps: { external: [/\/packages\/[^/]+\/dist\//] } } }
})
