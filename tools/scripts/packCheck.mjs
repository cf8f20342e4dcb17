// Installs the packages as a consumer would and loads every entry point.
//
// `npm pack`s each publishable package (packages/*, built beforehand), installs the
// tarballs with `effect` (their peer dependency) into a scratch project, then loads each
// package's main entry and every subpath export both as ESM (`import()`) and as CJS
// (`require()`), from inside that project. Fails naming each package and entry that broke.
// Temp dirs are removed at the end, whatever happened.
//
//   node tools/scripts/packCheck.mjs
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..")
const started = Date.now()
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })

/** The subpaths a consumer may import: every export key but `./package.json`, blocked (null) ones and patterns. */
const entriesOf = (manifest) => {
  const exports = manifest.exports ?? { ".": manifest.main }
  return Object.entries(exports)
    .filter(([key, target]) => key !== "./package.json" && target !== null && !key.includes("*"))
    .map(([key]) => (key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`))
}

const packages = readdirSync(path.join(root, "packages"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => path.join(root, "packages", d.name))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => manifest.private !== true)

const packDir = mkdtempSync(path.join(tmpdir(), "tspark-pack-"))
const projectDir = mkdtempSync(path.join(tmpdir(), "tspark-consumer-"))
let failures = 0
try {
  const tarballs = []
  for (const { dir, manifest } of packages) {
    const out = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", packDir], dir))
    const files = out[0].files.map((f) => f.path)
    if (!files.some((f) => f.startsWith("dist/"))) throw new Error(`${manifest.name}: the tarball has no dist/ (build first)`)
    tarballs.push(path.join(packDir, out[0].filename))
  }

  // effect comes from the registry (or npm's cache), at the version the workspace builds against
  const effectVersion = JSON.parse(readFileSync(path.join(root, "node_modules", "effect", "package.json"), "utf8")).version
  writeFileSync(path.join(projectDir, "package.json"), JSON.stringify({ name: "tspark-consumer", private: true }, null, 2))
  run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--prefer-offline",
      "--no-package-lock",
      `effect@${effectVersion}`,
      ...tarballs
    ],
    projectDir
  )

  const entries = packages.flatMap(({ manifest }) => entriesOf(manifest).map((entry) => ({ pkg: manifest.name, entry })))
  // one child process, run from the consumer project so that resolution starts there
  const probe = `
    import { createRequire } from "node:module"
    const require = createRequire(process.cwd() + "/")
    const entries = ${JSON.stringify(entries)}
    const failed = []
    for (const { pkg, entry } of entries) {
      for (const [kind, load] of [["ESM import()", (e) => import(e)], ["CJS require()", async (e) => require(e)]]) {
        try {
          const mod = await load(entry)
          if (Object.keys(mod).length === 0) throw new Error("the module exports nothing")
          console.log("ok      " + entry + "  (" + kind + ")")
        } catch (e) {
          failed.push(pkg)
          console.error("FAILED  " + entry + "  (" + kind + ", package " + pkg + "): " + (e && e.stack || e))
        }
      }
    }
    process.exitCode = failed.length === 0 ? 0 : 1
  `
  writeFileSync(path.join(projectDir, "probe.mjs"), probe)
  try {
    process.stdout.write(run(process.execPath, ["--no-warnings", "probe.mjs"], projectDir))
  } catch (e) {
    failures++
    process.stdout.write(e.stdout ?? "")
    process.stderr.write(e.stderr ?? String(e))
  }
  // the `tspark` command of @tspark/core runs from the installed tarball (its dependencies came with it)
  try {
    const shown = run(path.join(projectDir, "node_modules", ".bin", "tspark"), ["--version"], projectDir).trim()
    const expected = packages.find(({ manifest }) => manifest.name === "@tspark/core")?.manifest.version
    if (shown !== expected) throw new Error(`tspark --version printed "${shown}", expected "${expected}"`)
    console.log(`ok      tspark --version  (${shown})`)
  } catch (e) {
    failures++
    console.error(`FAILED  tspark --version: ${e.stderr ?? ""}${e.message ?? e}`)
  }
} catch (e) {
  failures++
  console.error(`pack check: ${e.stderr ?? ""}${e.stack ?? e}`)
} finally {
  rmSync(packDir, { recursive: true, force: true })
  rmSync(projectDir, { recursive: true, force: true })
}
const seconds = ((Date.now() - started) / 1000).toFixed(1)
if (failures > 0) {
  console.error(`pack check FAILED (${seconds} s)`)
  process.exit(1)
}
console.log(`pack check: ${packages.length} packages installed from their tarballs and loaded as ESM and CJS (${seconds} s)`)
