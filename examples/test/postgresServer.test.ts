/**
 * The private server's binary lookup fails loudly, naming what is missing
 * (never a silent skip), and finds this machine's installation.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, assert, describe, it } from "vitest"
import { findPostgresBinaries } from "./utils/postgresServer.js"

const dirs: Array<string> = []
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-pg-bin-"))
  dirs.push(dir)
  return dir
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

describe("findPostgresBinaries", () => {
  it("names initdb and where it looked when there is none", () => {
    const empty = tempDir()
    assert.throws(() => findPostgresBinaries([empty]), new RegExp(`initdb was not found \\(looked in ${empty}\\).*never skip`))
  })

  it("names pg_ctl when initdb stands alone", () => {
    const bin = tempDir()
    fs.writeFileSync(path.join(bin, "initdb"), "#!/bin/sh\n", { mode: 0o755 })
    assert.throws(() => findPostgresBinaries([bin]), /pg_ctl was not found \(looked in .*, beside initdb\)/)
  })

  it("finds an installation with initdb, pg_ctl and postgres together", () => {
    const bin = findPostgresBinaries()
    for (const name of ["initdb", "pg_ctl", "postgres"]) assert.isTrue(fs.existsSync(path.join(bin, name)), name)
  })
})
