/**
 * `tspark history --dir DIR [--port P] [--host H] [--conf k=v]...`: the
 * history server over a directory of event logs (what applications with
 * `spark.eventLog.enabled=true` wrote to `spark.eventLog.dir`), serving
 * their web UIs until SIGINT or SIGTERM. It loads the Streaming tab's plugin
 * from `@tspark/streaming` when that package is installed beside
 * `@tspark/core` (an optional peer): without it, streaming applications are
 * shown without their Streaming tab, and a warning says so.
 *
 * Mirrors `org.apache.spark.deploy.history.HistoryServer.main` (`sbin/start-history-server.sh`).
 *
 * @since 0.1.0
 */
import type { Command } from "commander"
import { Effect, Layer } from "effect"
import type { AppHistoryServerPlugin } from "../deploy/history/AppHistoryServerPlugin.js"
import * as HistoryServer from "../deploy/history/HistoryServer.js"
import { tsparkVersion } from "../internal/version.js"
import * as SparkConf from "../SparkConf.js"
import { InvalidArgumentError } from "../SparkError.js"
import * as Logging from "../util/Logging.js"

interface HistoryOptions {
  readonly dir?: string
  readonly port?: string
  readonly host?: string
  readonly conf: ReadonlyArray<string>
}

/** The optional packages whose history plugins are loaded when they resolve, and the export that holds each. */
const pluginPackages: ReadonlyArray<readonly [pkg: string, exportName: string]> = [["@tspark/streaming", "StreamingHistoryServerPlugin"]]

/** Imports each optional package that resolves and takes its plugin; logs which were loaded (INFO) and which not (DEBUG). */
export const loadPlugins: Effect.Effect<ReadonlyArray<AppHistoryServerPlugin>> = Effect.gen(function*() {
  const plugins: Array<AppHistoryServerPlugin> = []
  for (const [pkg, exportName] of pluginPackages) {
    const loaded = yield* Effect.tryPromise(() => import(/* @vite-ignore */ pkg) as Promise<Record<string, unknown>>).pipe(Effect.result)
    if (loaded._tag === "Failure") {
      yield* Effect.logDebug(`history plugin package ${pkg} not loaded: ${String(loaded.failure.cause)}`)
      continue
    }
    const module = loaded.success[exportName] as { readonly plugin?: AppHistoryServerPlugin } | undefined
    if (module?.plugin === undefined) {
      yield* Effect.logWarning(
        `${pkg} has no ${exportName}.plugin: its history plugin is not loaded (a version mismatch with @tspark/core?)`
      )
      continue
    }
    plugins.push(module.plugin)
  }
  yield* Effect.logInfo(
    plugins.length === 0 ? "Loaded no history server plugins" : `Loaded history server plugins: ${plugins.map((p) => p.name).join(", ")}`
  )
  return plugins
})

/** Resolves on the first SIGINT or SIGTERM. */
const untilSignal: Effect.Effect<NodeJS.Signals> = Effect.callback<NodeJS.Signals>((resume) => {
  const signals = ["SIGINT", "SIGTERM"] as const
  const handler = (signal: NodeJS.Signals) => {
    for (const s of signals) process.off(s, handler)
    resume(Effect.succeed(signal))
  }
  for (const s of signals) process.on(s, handler)
  return Effect.sync(() => {
    for (const s of signals) process.off(s, handler)
  })
})

const run = async (command: Command, options: HistoryOptions): Promise<void> => {
  const fail = (message: string): never => command.error(`tspark history: ${message}`, { exitCode: 2 })
  const entries: Record<string, string> = {}
  for (const entry of options.conf) {
    const eq = entry.indexOf("=")
    if (eq <= 0) fail(`--conf must be key=value, got "${entry}"`)
    entries[entry.slice(0, eq).trim()] = entry.slice(eq + 1)
  }
  const port = options.port === undefined ? undefined : Number(options.port)
  if (port !== undefined && (!/^\d+$/.test(options.port!) || port > 65535)) fail(`--port must be a port in 0..65535, got "${options.port}"`)
  const conf = SparkConf.make(entries)
  const logSettings = Logging.readSettings(conf.entries)
  if (logSettings instanceof InvalidArgumentError) return fail(logSettings.message)
  const program = Effect.scoped(Effect.gen(function*() {
    const plugins = yield* loadPlugins
    const server = yield* HistoryServer.start({
      conf,
      plugins,
      ...(options.dir === undefined ? {} : { logDir: options.dir }),
      ...(port === undefined ? {} : { port }),
      ...(options.host === undefined ? {} : { host: options.host })
    })
    const signal = yield* untilSignal
    yield* Effect.logInfo(`${signal}: stopping the HistoryServer at ${server.url}`)
  }))
  const outcome = await Effect.runPromise(program.pipe(Effect.provide(Layer.fresh(Logging.layer(logSettings))), Effect.result))
  if (outcome._tag === "Failure") {
    process.stderr.write(`tspark history: ${outcome.failure.message}\n`)
    process.exitCode = 1
  }
}

const collect = (value: string, previous: ReadonlyArray<string>): ReadonlyArray<string> => [...previous, value]

/**
 * Adds `tspark history` to the program.
 *
 * @category constructors
 * @since 0.1.0
 */
export const define = (program: Command): void => {
  const command = program.command("history")
    .description("serve the web UIs of the applications whose event logs are in a directory (Spark's history server)")
    .version(tsparkVersion, "-V, --version", "print the version and exit")
    .option("--dir <DIR>", "the event log directory (spark.history.fs.logDirectory; what spark.eventLog.dir was)")
    .option("--port <P>", "the port (spark.history.ui.port, default 18080; 0 for any free port)")
    .option("--host <H>", "the address to bind (spark.history.ui.host, default 127.0.0.1)")
    .option(
      "--conf <key=value>",
      "a setting (repeatable): spark.history.fs.update.interval, spark.history.retainedApplications, ...",
      collect,
      [] as ReadonlyArray<string>
    )
    .addHelpText(
      "after",
      `\nThe home page lists the applications (completed ones; ?showIncomplete=true for running ones) and links to each\n` +
        `one's UI, rebuilt from its log at /history/<appId>/; /api/v1/applications is the REST API. The directory is re-read\n` +
        `every spark.history.fs.update.interval (10s); spark.history.retainedApplications (50) rebuilt UIs stay in memory.\n` +
        `Streaming applications get their Streaming tab when @tspark/streaming is installed. Runs until SIGINT or SIGTERM.`
    )
  command.action((options: HistoryOptions) => run(command, options))
}
