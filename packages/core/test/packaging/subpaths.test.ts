// The package's subpath entries (`@tspark/core/rdd`, ...) as a consumer loads
// them from the built dist, ESM and CJS: each re-exports the very modules of
// the root entry, so a class has one identity whichever entry it came from
// (an `RDD` from `@tspark/core/rdd` is the class SparkContext builds).
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..")
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
  readonly exports: Record<
    string,
    null | string | { readonly import: { readonly default: string }; readonly require: { readonly default: string } }
  >
}
const subpaths = Object.entries(manifest.exports).flatMap(([key, target]) =>
  key === "." || typeof target !== "object" || target === null ? [] : [{ key, esm: target.import.default, cjs: target.require.default }]
)
const require = createRequire(import.meta.url)
type Namespaces = Record<string, Record<string, unknown>>
const load = {
  esm: (file: string) => import(pathToFileURL(path.join(packageDir, file)).href) as Promise<Namespaces>,
  cjs: (file: string) => Promise.resolve(require(path.join(packageDir, file)) as Namespaces)
}

describe("subpath entries", () => {
  it("publishes each Spark package folder", () => {
    assert.deepStrictEqual(subpaths.map((s) => s.key), ["./executor", "./rdd", "./rpc", "./scheduler", "./shuffle", "./storage", "./util"])
  })

  for (const format of ["esm", "cjs"] as const) {
    it(`share the root entry's modules (${format})`, async () => {
      const root = await load[format](format === "esm" ? "dist/index.js" : "dist/index.cjs")
      for (const subpath of subpaths) {
        const entry = await load[format](subpath[format])
        assert.isAbove(Object.keys(entry).length, 0, subpath.key)
        for (const [name, namespace] of Object.entries(entry)) {
          if (!(name in root)) continue
          for (const [key, value] of Object.entries(namespace)) {
            assert.strictEqual(value, root[name]![key], `${subpath.key} ${name}.${key} (${format})`)
          }
        }
      }
      assert.strictEqual((await load[format](subpaths.find((s) => s.key === "./rdd")![format])).RDD!.RDD, root.RDD!.RDD)
    })
  }
})
