/**
 * `tspark submit app.ts|app.js|app.mjs [--master M] [--name N] [--conf k=v]...
 * [--log-level L] [--log-format F] [-- app args]`: runs an application in a
 * child process with the settings applied as defaults. The child gets them as
 * one JSON object in the environment variable `TSPARK_SUBMIT_CONF`, which a
 * context's configuration starts from: the application's own explicit
 * settings win, as Spark's SparkConf takes spark-submit's settings as
 * defaults. TypeScript runs through tsx (an optional peer dependency:
 * resolved from the application's directory, then from tspark's). The
 * command exits with the application's exit code (128 + the signal's number
 * when a signal ended it) and forwards SIGINT and SIGTERM to it.
 *
 * Mirrors `org.apache.spark.deploy.SparkSubmit`.
 *
 * @since 0.1.0
 */
import type { Command } from "commander"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { submitConfEnvVar } from "../internal/deploy/submitConf.js"
import { tsparkVersion } from "../internal/version.js"
import * as SparkConf from "../SparkConf.js"
import { InvalidArgumentError, UnknownMasterError } from "../SparkError.js"
import * as Logging from "../util/Logging.js"

interface SubmitOptions {
  readonly master?: string
  readonly name?: string
  readonly conf: ReadonlyArray<string>
  readonly logLevel?: string
  readonly logFormat?: string
}

const typeScript = new Set([".ts", ".mts", ".cts"])
const javaScript = new Set([".js", ".mjs", ".cjs"])

/**
 * The loader tsx registers with (`node --import <it>`), from the application's
 * directory first, then from tspark's own; `undefined` when tsx is not installed.
 */
export const resolveTsx = (appFile: string, bases: ReadonlyArray<string> = [appFile, import.meta.url]): string | undefined => {
  for (const base of bases) {
    try {
      return createRequire(base).resolve("tsx")
    } catch {
      // not installed there
    }
  }
  return undefined
}

/** The submitted settings, or why one is not valid. */
export const submittedConf = (options: SubmitOptions): Record<string, string> | string => {
  const conf: Record<string, string> = {}
  for (const entry of options.conf) {
    const eq = entry.indexOf("=")
    if (eq <= 0) return `--conf must be key=value, got "${entry}"`
    conf[entry.slice(0, eq).trim()] = entry.slice(eq + 1)
  }
  if (options.master !== undefined) {
    const master = SparkConf.getMaster(SparkConf.make({ "spark.master": options.master }))
    if (master instanceof UnknownMasterError) return `--master: ${master.message}`
    conf["spark.master"] = options.master
  }
  if (options.name !== undefined) conf["spark.app.name"] = options.name
  if (options.logLevel !== undefined) {
    const level = Logging.parseLevel(options.logLevel, "--log-level")
    if (level instanceof InvalidArgumentError) return level.message
  }
  if (options.logFormat !== undefined) {
    const format = Logging.parseFormat(options.logFormat, "--log-format")
    if (format instanceof InvalidArgumentError) return format.message
  }
  return conf
}

const run = async (command: Command, app: string, appArgs: ReadonlyArray<string>, options: SubmitOptions): Promise<void> => {
  const fail = (message: string): never => command.error(`tspark submit: ${message}`, { exitCode: 2 })
  const appFile = path.resolve(app)
  const extension = path.extname(appFile)
  if (!typeScript.has(extension) && !javaScript.has(extension)) {
    fail(`${app} is not an application file: give a .ts, .mts, .js or .mjs file`)
  }
  if (!fs.existsSync(appFile) || !fs.statSync(appFile).isFile()) fail(`the application file ${app} does not exist`)
  const conf = submittedConf(options)
  if (typeof conf === "string") return fail(conf)
  const loader: Array<string> = []
  if (typeScript.has(extension)) {
    const tsx = resolveTsx(appFile)
    if (tsx === undefined) {
      process.stderr.write(
        `tspark submit: ${app} is TypeScript, which tspark runs through tsx, and tsx is not installed: ` +
          `install it (npm install --save-dev tsx) or submit the compiled .js file\n`
      )
      process.exitCode = 2
      return
    }
    loader.push("--import", pathToFileURL(tsx).href)
  }
  const env: NodeJS.ProcessEnv = { ...process.env, [submitConfEnvVar]: JSON.stringify(conf) }
  // The environment (unlike the submitted conf) reaches the executor processes too.
  if (options.logLevel !== undefined) env[Logging.keys.levelEnv] = options.logLevel
  if (options.logFormat !== undefined) env[Logging.keys.formatEnv] = options.logFormat
  const args = appArgs[0] === "--" ? appArgs.slice(1) : appArgs
  const child = spawn(process.execPath, [...loader, appFile, ...args], { stdio: "inherit", env })
  // A signal for tspark is the application's to handle (its contexts stop through their shutdown hooks). Ctrl-C
  // reaches both processes of the terminal's group; the application's shutdown hooks ignore the repeat.
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal)
  const forwarders = (["SIGINT", "SIGTERM"] as const).map((signal) => [signal, forward(signal)] as const)
  for (const [signal, listener] of forwarders) process.on(signal, listener)
  const code = await new Promise<number>((resolve) => {
    child.once("error", (error) => {
      process.stderr.write(`tspark submit: could not start ${app}: ${error.message}\n`)
      resolve(1)
    })
    child.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 128 + (os.constants.signals[signal] ?? 0))))
  })
  for (const [signal, listener] of forwarders) process.off(signal, listener)
  process.exitCode = code
}

const collect = (value: string, previous: ReadonlyArray<string>): ReadonlyArray<string> => [...previous, value]

/**
 * Adds `tspark submit` to the program.
 *
 * @category constructors
 * @since 0.1.0
 */
export const define = (program: Command): void => {
  const command = program.command("submit")
    .description("run an application (.ts through tsx, .js, .mjs) with these settings as its configuration's defaults")
    .version(tsparkVersion, "-V, --version", "print the version and exit")
    .argument("<app>", "the application file")
    .argument("[args...]", "the application's own arguments (after --, so that options among them stay the application's)")
    .option("--master <M>", "spark.master: local[N], local-process[N,C,M], tcp://HOST:PORT, ...")
    .option("--name <N>", "spark.app.name")
    .option("--conf <key=value>", "a setting (repeatable)", collect, [] as ReadonlyArray<string>)
    .option("--log-level <L>", "ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL or OFF (TSPARK_LOG_LEVEL)")
    .option("--log-format <F>", "logfmt or json (TSPARK_LOG_FORMAT)")
    .addHelpText(
      "after",
      `\nThe settings reach the application in the environment variable ${submitConfEnvVar} (JSON); its own explicit\n` +
        `settings override them. Exits with the application's exit code; SIGINT and SIGTERM are forwarded to it.`
    )
  command.action((app: string, args: ReadonlyArray<string>, options: SubmitOptions) => run(command, app, args, options))
}
