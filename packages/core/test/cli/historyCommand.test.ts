/**
 * The built `tspark history`, run as a child process: it logs its address,
 * which plugins it loaded (the workspace's @tspark/streaming), answers on its
 * port with the directory's applications, and stops on SIGTERM with exit
 * code 0; a missing directory is refused naming the flag; --help describes it.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { logStart, sparkEventToJson } from "../../src/util/JsonProtocol.js"

const here = path.dirname(fileURLToPath(import.meta.url))
// The package's own build (its test target depends on it).
const cli = path.resolve(here, "../../dist/cli/tspark.js")

/** Resolves with the child's stderr so far once it matches `pattern` (or rejects when the child exits first). */
const waitForStderr = (child: ReturnType<typeof spawn>, pattern: RegExp, output: { text: string }) =>
  new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output.text)
      if (match !== null) {
        child.stderr!.off("data", check)
        child.off("exit", onExit)
        resolve(match)
      }
    }
    const onExit = (code: number | null) => reject(new Error(`exited with ${code} before ${pattern}: ${output.text}`))
    child.stderr!.on("data", check)
    child.once("exit", onExit)
    check()
  })

describe("tspark history (built)", () => {
  it("serves the directory's applications on its port, logs its address and plugins, and stops on SIGTERM", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-history-cli-"))
    try {
      const events = [
        { _tag: "ApplicationStart", appName: "cli app", appId: "app-cli", time: 1000, sparkUser: "ada" },
        { _tag: "ApplicationEnd", time: 3000 }
      ] as const
      fs.writeFileSync(path.join(dir, "app-cli"), [logStart, ...events.map(sparkEventToJson)].map((e) => JSON.stringify(e) + "\n").join(""))
      const child = spawn(process.execPath, [cli, "history", "--dir", dir, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] })
      const output = { text: "" }
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => void (output.text += chunk))
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      try {
        const [, url] = await waitForStderr(
          child,
          /Bound HistoryServer to 127\.0\.0\.1, and started at (http:\/\/127\.0\.0\.1:\d+)/,
          output
        )
        assert.match(output.text, /level=INFO .*Loaded history server plugins: streaming/)
        const apps = await (await fetch(`${url}/api/v1/applications`)).json() as ReadonlyArray<{ id: string; name: string }>
        assert.deepStrictEqual(apps.map((a) => [a.id, a.name]), [["app-cli", "cli app"]])
        const home = await fetch(`${url}/`)
        assert.strictEqual(home.status, 200)
        assert.include(await home.text(), "data-app-id=\"app-cli\"")
      } finally {
        child.kill("SIGTERM")
      }
      assert.strictEqual(await exited, 0, output.text)
      assert.match(output.text, /SIGTERM: stopping the HistoryServer/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it("a missing directory is refused naming the flag; --help describes the command", () => {
    const missing = spawnSync(process.execPath, [cli, "history", "--dir", "/nonexistent/tspark-events", "--port", "0"], {
      encoding: "utf8",
      timeout: 60_000
    })
    assert.strictEqual(missing.status, 1)
    assert.include(missing.stderr, "spark.history.fs.logDirectory (--dir) /nonexistent/tspark-events cannot be read")
    const badPort = spawnSync(process.execPath, [cli, "history", "--dir", os.tmpdir(), "--port", "x"], {
      encoding: "utf8",
      timeout: 60_000
    })
    assert.strictEqual(badPort.status, 2)
    assert.include(badPort.stderr, "--port must be a port")
    const help = spawnSync(process.execPath, [cli, "history", "--help"], { encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(help.status, 0)
    assert.include(help.stdout, "--dir <DIR>")
    assert.include(help.stdout, "spark.history.retainedApplications")
  }, 120_000)
})
