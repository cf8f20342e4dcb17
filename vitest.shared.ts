import { defineConfig } from "vitest/config"

/**
 * The vitest settings every package shares. Under CI a JSON report is written
 * beside the package so that `.ci/run` can print one total for the whole run.
 */
export const sharedConfig = defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env["CI"] ? ["default", "json"] : ["default"],
    outputFile: { json: "./.vitest-results.json" }
  }
})
