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
  treeshake: true,
  // Keep `node:tls`, not `tls`: a bundler resolving a bare name (vite in tests) may find a file of that name first.
  removeNodeProtocol: false
})
