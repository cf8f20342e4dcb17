// A private PostgreSQL server for a test file: initdb and pg_ctl from the
// installed binaries into a fresh temporary directory (data, unix socket and
// log), listening on 127.0.0.1 at a free port. As root it runs them as the
// `postgres` user through runuser (both refuse to run as root), with the
// directory owned by that user. `stop` stops the server and removes the
// directory; so does the process's exit if a test run ends without it.
// Missing binaries fail loudly, naming the one missing: these tests never
// skip silently (under CI=true nor otherwise).
import { execFile, execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { freePort, isExecutable } from "@tspark/testkit"
import pg from "pg"

export interface PostgresServer {
  readonly host: string
  readonly port: number
  /** The temporary directory holding the data directory, the socket and `server.log`. */
  readonly directory: string
  /** A connection string for `database` on this server (user `postgres`, trust authentication). */
  readonly url: (database?: string) => string
  /** Creates a new database and returns its connection string. */
  readonly createDatabase: (name: string) => Promise<string>
  /** Stops the server at once and removes its directory. */
  readonly stop: () => Promise<void>
}

/** Debian keeps the server binaries out of PATH, in /usr/lib/postgresql/<version>/bin: newest first. */
const debianBinDirs = (): Array<string> => {
  const root = "/usr/lib/postgresql"
  if (!fs.existsSync(root)) return []
  return fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)).map((version) => path.join(root, version, "bin"))
}

const pathDirs = (): Array<string> => (process.env["PATH"] ?? "").split(path.delimiter).filter((d) => d.length > 0)

const missing = (what: string, looked: string, fix: string): Error =>
  new Error(
    `PostgreSQL tests: ${what} was not found (looked in ${looked}). These tests start their own server from the ` +
      `installed binaries and never skip: ${fix}` +
      (process.env["CI"] === "true" ? " (CI=true: the PostgreSQL tests must run here)" : "")
  )

/**
 * The directory holding initdb, pg_ctl and postgres, one installation's
 * (initdb's real directory), searched in PATH and then Debian's directories.
 */
export const findPostgresBinaries = (dirs: ReadonlyArray<string> = [...pathDirs(), ...debianBinDirs()]): string => {
  for (const dir of dirs) {
    const initdb = path.join(dir, "initdb")
    if (!isExecutable(initdb)) continue
    const bin = path.dirname(fs.realpathSync(initdb))
    for (const name of ["pg_ctl", "postgres"]) {
      if (!isExecutable(path.join(bin, name))) {
        throw missing(name, `${bin}, beside initdb`, "install the whole server (Debian: apt-get install postgresql)")
      }
    }
    return bin
  }
  throw missing("initdb", dirs.join(", ") || "no directory", "install the server binaries (Debian: apt-get install postgresql)")
}

/** How to run a server binary: directly, or as `postgres` through runuser when this process is root. */
const runAs = (): { readonly prefix: Array<string>; readonly owner: { uid: number; gid: number } | undefined } => {
  if (process.getuid?.() !== 0) return { prefix: [], owner: undefined }
  const runuser = [...pathDirs(), "/usr/sbin", "/sbin"].map((d) => path.join(d, "runuser")).find(isExecutable)
  if (runuser === undefined) {
    throw missing("runuser", "PATH, /usr/sbin and /sbin", "as root, initdb and pg_ctl must run as the postgres user (util-linux's runuser)")
  }
  let ids: Array<number>
  try {
    ids = ["-u", "-g"].map((flag) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim()))
  } catch {
    throw missing(
      "the user postgres",
      "the system's users",
      "as root, initdb and pg_ctl must run as the postgres user (Debian's postgresql package creates it)"
    )
  }
  return { prefix: [runuser, "-u", "postgres", "--"], owner: { uid: ids[0]!, gid: ids[1]! } }
}

const run = (command: ReadonlyArray<string>, cwd: string): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(command[0]!, command.slice(1), { cwd, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout)
      else reject(new Error(`${command.join(" ")} failed: ${error.message}\n${stderr}`))
    })
  })

const logTail = (file: string): string => {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-15).join("\n")
  } catch {
    return "(no server log)"
  }
}

/** Connects until the server answers or `deadlineMs` passes; the error names the server and the last failure. */
const waitForConnection = async (url: string, deadlineMs: number): Promise<void> => {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const client = new pg.Client({ connectionString: url })
    try {
      await client.connect()
      await client.query("SELECT 1")
      return
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`PostgreSQL at ${url} did not accept connections within ${deadlineMs} ms: ${(error as Error).message}`, {
          cause: error
        })
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      await client.end().catch(() => undefined)
    }
  }
}

/** Initializes and starts a server; see the module comment. */
export const startPostgres = async (): Promise<PostgresServer> => {
  const bin = findPostgresBinaries()
  const { owner, prefix } = runAs()
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-pg-"))
  const data = path.join(directory, "data")
  const log = path.join(directory, "server.log")
  const pgCtl = (...args: Array<string>) => [...prefix, path.join(bin, "pg_ctl"), "-D", data, ...args]
  let started = false
  // Should the test process end without stop(), the server must not outlive it.
  const stopNow = () => {
    if (started) {
      const stop = pgCtl("-m", "immediate", "-w", "stop")
      try {
        execFileSync(stop[0]!, stop.slice(1), { cwd: directory, stdio: "ignore" })
      } catch {
        // Already stopped.
      }
      started = false
    }
    fs.rmSync(directory, { recursive: true, force: true })
  }
  process.once("exit", stopNow)
  try {
    if (owner !== undefined) fs.chownSync(directory, owner.uid, owner.gid)
    await run(
      [...prefix, path.join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
      directory
    )
    let port = 0
    // A port found free can be taken before the server binds it: try another then.
    for (let attempt = 1;; attempt++) {
      port = await freePort()
      const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${directory} -c fsync=off -c full_page_writes=off`
      try {
        started = true
        await run(pgCtl("-l", log, "-o", options, "-w", "-t", "60", "start"), directory)
        break
      } catch (error) {
        started = false
        if (attempt >= 3 || !/could not bind|already in use/i.test(logTail(log))) {
          throw new Error(`${(error as Error).message}\nserver log (${log}):\n${logTail(log)}`, { cause: error })
        }
      }
    }
    const url = (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`
    await waitForConnection(url(), 30_000)
    return {
      host: "127.0.0.1",
      port,
      directory,
      url,
      createDatabase: async (name) => {
        const client = new pg.Client({ connectionString: url() })
        await client.connect()
        try {
          await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`)
        } finally {
          await client.end()
        }
        return url(name)
      },
      stop: async () => {
        process.removeListener("exit", stopNow)
        if (started) {
          started = false
          await run(pgCtl("-m", "immediate", "-w", "stop"), directory)
        }
        fs.rmSync(directory, { recursive: true, force: true })
      }
    }
  } catch (error) {
    process.removeListener("exit", stopNow)
    stopNow()
    throw error
  }
}
