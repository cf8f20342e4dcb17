// Finding an installed server binary. A test that needs one never skips: a
// missing binary fails the test with what to install (under CI=true, saying
// that the tests must run there).
import * as fs from "node:fs"
import * as path from "node:path"

/** Whether `file` is a regular file this process may execute. */
export const isExecutable = (file: string): boolean => {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** What to look for, and what to tell the reader when it is missing. */
export interface BinarySpec {
  /** The executable's name: `redis-server`. */
  readonly name: string
  /** The Debian package that installs it: `redis-server`. */
  readonly debianPackage: string
  /** Which tests need it, for the message: `Redis tests`. */
  readonly neededBy: string
  /** Directories to look in after PATH (Debian puts servers in /usr/sbin, not in every PATH). */
  readonly extraDirs?: ReadonlyArray<string>
  /** An environment variable that may name the binary's path. */
  readonly envVar?: string
}

/** The binary's path; throws, loudly, when it is not installed. */
export const findBinary = (spec: BinarySpec): string => {
  const given = spec.envVar === undefined ? undefined : process.env[spec.envVar]
  if (given !== undefined && given.length > 0) {
    if (isExecutable(given)) return given
    throw new Error(`${spec.neededBy}: ${spec.envVar}=${given} is not an executable file`)
  }
  const dirs = [
    ...(process.env["PATH"] ?? "").split(path.delimiter).filter((d) => d.length > 0),
    "/usr/sbin",
    "/usr/local/sbin",
    ...(spec.extraDirs ?? [])
  ]
  for (const dir of dirs) {
    const file = path.join(dir, spec.name)
    if (isExecutable(file)) return file
  }
  throw new Error(
    `${spec.neededBy}: ${spec.name} was not found (looked in ${[...new Set(dirs)].join(", ")}). These tests start ` +
      `their own server and never skip: install it (Debian: apt-get install ${spec.debianPackage}; .ci/run does)` +
      (process.env["CI"] === "true" ? ". CI=true: these tests must run here" : "")
  )
}
