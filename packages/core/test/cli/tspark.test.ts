/**
 * The built `tspark` command, run as a child process: `submit` runs .ts and
 * .js applications with its settings as defaults the application overrides,
 * passes the arguments after `--`, exits with the application's code;
 * `--help`/`--version` on every command; usage errors exit 2 with the usage.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { resolveTsx } from "../../src/cli/submitCommand.js"
import { version } from "../../src/index.js"

const here = path.dirname(fileURLToPath(import.meta.url))
// The package's own build (its test target depends on it).
const cli = path.resolve(here, "../../dist/cli/tspark.js")
const fixture = (name: string) => path.join(here, "fixtures", name)

const tspark = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 })

const printed = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1)!)

describe("tspark (built)", () => {
  it("submit runs a TypeScript application with the submitted settings as defaults, and its arguments", () => {
    const run = tspark([
      "submit",
      fixture("printConf.ts"),
      "--master",
      "local[2]",
      "--name",
      "submitted",
      "--conf",
      "spark.fixture.own=submit",
      "--conf",
      "spark.fixture.only=submit=1",
      "--",
      "0",
      "--an-app-flag"
    ])
    assert.strictEqual(run.status, 0, run.stderr)
    const out = printed(run.stdout)
    assert.deepStrictEqual(out.args, ["0", "--an-app-flag"])
    assert.strictEqual(out.conf["spark.master"], "local[2]")
    assert.strictEqual(out.conf["spark.app.name"], "submitted")
    assert.strictEqual(out.conf["spark.fixture.only"], "submit=1")
    // The application's own explicit setting wins over the submitted one.
    assert.strictEqual(out.conf["spark.fixture.own"], "app")
    assert.strictEqual(out.count, 3)
    assert.match(run.stderr, /level=INFO .*message="Submitted application: submitted"/)
    assert.match(run.stderr, /message="Successfully stopped SparkContext"/)
  }, 120_000)

  it("submit runs a JavaScript application, exits with its exit code, and applies --log-level and --log-format", () => {
    const run = tspark(["submit", fixture("printConf.js"), "--log-level", "warn", "--", "7"])
    assert.strictEqual(run.status, 7, run.stderr)
    assert.deepStrictEqual(printed(run.stdout).args, ["7"])
    assert.notMatch(run.stderr, /Submitted application/)
    const json = tspark(["submit", fixture("printConf.js"), "--log-format", "json"])
    assert.strictEqual(json.status, 0, json.stderr)
    const lines = json.stderr.trim().split("\n").map((line) => JSON.parse(line))
    assert.deepInclude(lines.map((l) => [l.level, l.message]), ["INFO", "Submitted application: tspark"])
  }, 120_000)

  it("--help and --version on every command", () => {
    for (const command of [[], ["submit"], ["executor"]]) {
      const help = tspark([...command, "--help"])
      assert.strictEqual(help.status, 0)
      assert.match(help.stdout, new RegExp(`Usage: tspark${command.length > 0 ? ` ${command[0]}` : ""} `))
      const shown = tspark([...command, "--version"])
      assert.deepStrictEqual([shown.status, shown.stdout.trim()], [0, version])
    }
  }, 120_000)

  it("refuses usage errors with exit code 2 and the usage", () => {
    const cases: ReadonlyArray<[ReadonlyArray<string>, RegExp]> = [
      [["submit", fixture("printConf.js"), "--bogus"], /unknown option '--bogus'/],
      [["submit", fixture("missing.ts")], /the application file .*missing\.ts does not exist/],
      [["submit", fixture("printConf.js"), "--conf", "nokey"], /--conf must be key=value, got "nokey"/],
      [["submit", fixture("printConf.js"), "--master", "yarn"], /--master: Could not parse master URL "yarn"/],
      [["submit", fixture("printConf.js"), "--log-level", "loud"], /--log-level must be one of ALL, TRACE/],
      [["submit", path.join(here, "tspark.test.ts.txt")], /is not an application file: give a \.ts/],
      [["executor", "--driver", "nowhere"], /--driver must be HOST:PORT, got "nowhere"/],
      [["launch"], /unknown command 'launch'/],
      [[], /Usage: tspark /]
    ]
    for (const [args, message] of cases) {
      const run = tspark(args)
      assert.strictEqual(run.status, 2, `${args.join(" ")}: ${run.stderr}`)
      assert.match(run.stderr, message)
      assert.match(run.stderr, /Usage: tspark/)
    }
  }, 120_000)

  it("tsx is looked up from the application's directory, then tspark's; missing from both, there is none", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-notsx-"))
    try {
      const app = path.join(dir, "app.ts")
      assert.isUndefined(resolveTsx(app, [app]))
      assert.match(resolveTsx(app) ?? "", /tsx/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
