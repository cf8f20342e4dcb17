import { defineConfig } from "vitest/config"

/**
 * The vitest settings every package shares. Under CI a JSON report is written
 * beside the package so that `.ci/run` can print one total for the whole run.
 * The web UI is off by default in test runs (TSPARK_UI_ENABLED=false).
 */
export const sharedConfig = defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env["CI"] ? ["default", "json"] : ["default"],
    outputFile: { json: "./.vitest-results.json" },
    // Hundreds of tests start contexts in parallel: none serves a web UI unless the test sets spark.ui.enabled=true
    // (the context's default when the key is unset; see docs/guides/web-ui.md). Users keep the UI on by default.
    env: { TSPARK_UI_ENABLED: "false" }
  }
})
