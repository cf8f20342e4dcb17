// docs/guides/architecture.md maps each Spark class to its tspark module.
// This keeps the map honest: every path in it exists, and the file a Spark
// class maps to mentions that class by name (so a search for it finds it).
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const guide = fs.readFileSync(path.join(root, "docs/guides/architecture.md"), "utf8")

interface Row {
  readonly sparkClass: string
  readonly module: string
  readonly paths: ReadonlyArray<string>
}

const mapRows = (markdown: string): Array<Row> => {
  const start = markdown.indexOf("## The map")
  const end = markdown.indexOf("\n## ", start + 1)
  const section = markdown.slice(start, end === -1 ? undefined : end)
  const rows: Array<Row> = []
  for (const line of section.split("\n")) {
    if (!line.startsWith("| `") && !/^\| [a-z]/.test(line)) continue
    const cells = line.slice(1, -1).split("|").map((cell) => cell.trim())
    const module = /`(packages\/[^`]+)`/.exec(cells[1] ?? "")?.[1]
    if (module === undefined) continue
    rows.push({
      sparkClass: cells[0]!,
      module,
      paths: [...line.matchAll(/`(packages\/[^`]+)`/g)].map((m) => m[1]!)
    })
  }
  return rows
}

const rows = mapRows(guide)

describe("the architecture map", () => {
  it("has a row for each core, streaming, rate-control and checkpoint class it names", () => {
    expect(rows.length).toBeGreaterThan(80)
    for (const pkg of ["core", "streaming", "rate-control", "checkpoint"]) {
      expect(rows.some((row) => row.module.startsWith(`packages/${pkg}/src/`)), pkg).toBe(true)
    }
  })

  it("names only paths that exist", () => {
    const missing = rows.flatMap((row) => row.paths).filter((p) => !fs.existsSync(path.join(root, p)))
    expect(missing).toEqual([])
  })

  it("maps each Spark class to a file that names it", () => {
    const unnamed: Array<string> = []
    for (const row of rows) {
      const qualified = /^`org\.apache\.spark\.([\w.]+)`/.exec(row.sparkClass)
      if (qualified === null) continue
      const simpleName = qualified[1]!.split(".").at(-1)!
      const source = fs.readFileSync(path.join(root, row.module), "utf8")
      if (!source.includes(simpleName)) unnamed.push(`${simpleName} -> ${row.module}`)
    }
    expect(unnamed).toEqual([])
  })

  it("lists every public module of the Spark-named packages", () => {
    // A new public module (not internal/, not an index) belongs in the map.
    const mapped = new Set(rows.flatMap((row) => row.paths))
    const unmapped: Array<string> = []
    for (const pkg of ["core", "streaming"]) {
      const src = path.join(root, "packages", pkg, "src")
      for (const file of fs.readdirSync(src, { recursive: true, encoding: "utf8" })) {
        const relative = `packages/${pkg}/src/${file.split(path.sep).join("/")}`
        if (!relative.endsWith(".ts") || relative.includes("/internal/") || relative.includes("/testing/")) continue
        if (relative.endsWith("/index.ts") || mapped.has(relative)) continue
        unmapped.push(relative)
      }
    }
    expect(unmapped).toEqual([])
  })
})
