import { mergeConfig } from "vitest/config"
import { sharedConfig } from "../vitest.shared.js"

// The tools' own tests: the local ESLint rules and the architecture map.
export default mergeConfig(sharedConfig, { test: { include: ["eslint/**/*.test.mjs", "test/**/*.test.ts"] } })
