import { defineConfig } from "tsup"

/** The tsup settings every package shares: ESM + CJS + .d.ts for Node 20. */
export const sharedConfig = defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  target: "node20",
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
  tsconfig: "tsconfig.build.json",
  sourcemap: true,
  clean: true,
  treeshake: true
})
