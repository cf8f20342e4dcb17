import { mergeConfig } from "vitest/config"
import { sharedConfig } from "../../vitest.shared.js"

// The sibling packages' builds load through Node itself, not vite's transform: the executors import this package's
// reader by name (Closure.fromModule), natively, and the streaming classes it uses must be the ones the tests use.
export default mergeConfig(sharedConfig, {
  test: { setupFiles: ["../../testkit/src/fastCheckSetup.ts"], server: { deps: { external: [/\/packages\/[^/]+\/dist\//] } } }
})
