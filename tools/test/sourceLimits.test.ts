// The project's habit: no source file over 400 lines (split cohesively
// instead). This keeps it from slipping back one merge at a time.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const MAX_LINES = 400
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

const sourceFiles = (): Array<string> => {
  const files: Array<string> = []
  for (const pkg of fs.readdirSync(path.join(root, "packages"))) {
    const src = path.join(root, "packages", pkg, "src")
    if (!fs.existsSync(src)) continue
    for (const file of fs.readdirSync(src, { recursive: true, encoding: "utf8" })) {
      if (file.endsWith(".ts")) files.push(path.join("packages", pkg, "src", file))
    }
  }
  return files
}

describe("source files", () => {
  it(`are at most ${MAX_LINES} lines each`, () => {
    const files = sourceFiles()
    expect(files.length).toBeGreaterThan(100)
    const tooLong = files
      .map((file) => ({ file, lines: fs.readFileSync(path.join(root, file), "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`)
    expect(tooLong).toEqual([])
  })
})
