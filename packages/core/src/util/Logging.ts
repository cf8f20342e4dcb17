/**
 * How tspark logs: through Effect's `Logger`, one structured line per entry on
 * standard error, in logfmt (`timestamp=… level=INFO fiber=#3 message="…"`) or,
 * on request, JSON. The level comes from `spark.log.level` (Spark's values:
 * `ALL`, `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `FATAL`, `OFF`) or the
 * environment variable `TSPARK_LOG_LEVEL`; the format from `spark.log.format`
 * (`logfmt` | `json`) or `TSPARK_LOG_FORMAT`. A configuration entry wins over
 * the environment; executor processes inherit the environment, so one
 * variable sets both sides.
 *
 * A context applies these to its own lines (`SparkContext.make` derives the
 * services it logs through from the caller's): the level when one is set, and
 * the format in place of Effect's default logger. A caller that installed
 * loggers of its own keeps them.
 *
 * Mirrors `org.apache.spark.internal.Logging` (and `SparkContext.setLogLevel`).
 *
 * @since 0.1.0
 */
import { Cause, Context, Effect, Layer, Logger, type LogLevel, References } from "effect"
import { InvalidArgumentError } from "../SparkError.js"

/**
 * The two line formats: logfmt (the default) and one JSON object per line.
 *
 * @category models
 * @since 0.1.0
 */
export type LogFormat = "logfmt" | "json"

/**
 * What `readSettings` found: the level and format set, each `undefined` when
 * neither the configuration nor the environment names one.
 *
 * @category models
 * @since 0.1.0
 */
export interface LogSettings {
  readonly level: LogLevel.LogLevel | undefined
  readonly format: LogFormat | undefined
}

/**
 * The configuration keys and environment variables read.
 *
 * @category models
 * @since 0.1.0
 */
export const keys = {
  level: "spark.log.level",
  format: "spark.log.format",
  levelEnv: "TSPARK_LOG_LEVEL",
  formatEnv: "TSPARK_LOG_FORMAT"
} as const

const levels: Readonly<Record<string, LogLevel.LogLevel>> = {
  ALL: "All",
  TRACE: "Trace",
  DEBUG: "Debug",
  INFO: "Info",
  WARN: "Warn",
  ERROR: "Error",
  FATAL: "Fatal",
  OFF: "None"
}

/**
 * Reads a Spark log level (case-insensitive) as Effect's, or says what to
 * change, naming `key`.
 *
 * **Example**
 * ```ts
 * Logging.parseLevel("warn", "spark.log.level") // "Warn"
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const parseLevel = (value: string, key: string): LogLevel.LogLevel | InvalidArgumentError =>
  levels[value.trim().toUpperCase()] ??
    new InvalidArgumentError({
      method: key,
      message: `${key} must be one of ${Object.keys(levels).join(", ")}, got "${value}"`
    })

/**
 * Reads a log format, or says what to change, naming `key`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const parseFormat = (value: string, key: string): LogFormat | InvalidArgumentError => {
  const format = value.trim().toLowerCase()
  if (format === "logfmt" || format === "json") return format
  return new InvalidArgumentError({ method: key, message: `${key} must be logfmt or json, got "${value}"` })
}

/**
 * The level and format from configuration entries, else the environment.
 *
 * **Example**
 * ```ts
 * const settings = Logging.readSettings(conf.entries, process.env)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const readSettings = (
  entries: ReadonlyMap<string, string>,
  env: Readonly<Record<string, string | undefined>> = process.env
): LogSettings | InvalidArgumentError => {
  const read = <A>(key: string, envKey: string, parse: (value: string, key: string) => A | InvalidArgumentError) => {
    const fromConf = entries.get(key)
    if (fromConf !== undefined && fromConf !== "") return parse(fromConf, key)
    const fromEnv = env[envKey]
    return fromEnv === undefined || fromEnv === "" ? undefined : parse(fromEnv, envKey)
  }
  const level = read(keys.level, keys.levelEnv, parseLevel)
  if (level instanceof InvalidArgumentError) return level
  const format = read(keys.format, keys.formatEnv, parseFormat)
  if (format instanceof InvalidArgumentError) return format
  return { level, format }
}

/**
 * The environment variables that carry the log settings of `entries` to a
 * process started for them (an executor process reads the environment).
 *
 * **Example**
 * ```ts
 * spawn(process.execPath, args, { env: { ...process.env, ...Logging.environmentOf(conf.entries) } })
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const environmentOf = (entries: Iterable<readonly [string, string]>): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [key, value] of entries) {
    if (key === keys.level && value !== "") env[keys.levelEnv] = value
    if (key === keys.format && value !== "") env[keys.formatEnv] = value
  }
  return env
}

/**
 * A logger writing one line per entry to standard error (through Effect's
 * `Console`, so `TestConsole` sees it) in `format`.
 *
 * **Example**
 * ```ts
 * Effect.log("hello").pipe(Effect.provide(Logger.layer([Logging.logger("json")])))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const logger = (format: LogFormat): Logger.Logger<unknown, void> =>
  Logger.withConsoleError(format === "json" ? Logger.formatJson : Logger.formatLogFmt)

/**
 * Logs through `settings`: the format's logger in place of the current ones,
 * and the level when one is set.
 *
 * **Example**
 * ```ts
 * program.pipe(Effect.provide(Logging.layer({ level: "Warn", format: "json" })))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (settings: LogSettings): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.layer([logger(settings.format ?? "logfmt")]),
    settings.level === undefined ? Layer.empty : Layer.succeed(References.MinimumLogLevel, settings.level)
  )

/**
 * The caller's services with `settings` applied, as a context logs through
 * them: the level when set; the format's logger in place of Effect's default
 * logger, unless the caller installed loggers of its own (they are kept).
 *
 * @category combinators
 * @since 0.1.0
 */
export const applyTo = (services: Context.Context<never>, settings: LogSettings): Context.Context<never> => {
  let result = services
  const loggers = Context.get(services, Logger.CurrentLoggers)
  if (loggers.has(Logger.defaultLogger)) {
    const replaced = new Set(loggers)
    replaced.delete(Logger.defaultLogger)
    replaced.add(logger(settings.format ?? "logfmt"))
    result = Context.add(result, Logger.CurrentLoggers, replaced)
  }
  if (settings.level !== undefined) result = Context.add(result, References.MinimumLogLevel, settings.level)
  return result
}

/**
 * The current services with the log settings of `entries` (else of the
 * environment) applied; fails when a value is not valid.
 *
 * **Example**
 * ```ts
 * const services = yield* Logging.servicesFor(conf.entries)
 * Effect.runForkWith(services)(Effect.logInfo("started"))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const servicesFor = (entries: ReadonlyMap<string, string>): Effect.Effect<Context.Context<never>, InvalidArgumentError> =>
  Effect.gen(function*() {
    const settings = readSettings(entries)
    if (settings instanceof InvalidArgumentError) return yield* Effect.fail(settings)
    return applyTo(yield* Effect.context<never>(), settings)
  })

/**
 * Runs `effect` with the loggers and minimum level of `services` (a
 * context's log services, from `servicesFor`), keeping every other service
 * of the fibers it runs in (their clock, scope, ...). What a module logs for
 * a context (its UI, a StreamingContext's schedulers and receivers) thus
 * looks like the context's own lines.
 *
 * **Example**
 * ```ts
 * Effect.logInfo("StreamingContext started").pipe(Logging.withLoggingOf(services))
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const withLoggingOf = (services: Context.Context<never>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  effect.pipe(
    Effect.provideService(Logger.CurrentLoggers, Context.get(services, Logger.CurrentLoggers)),
    Effect.provideService(References.MinimumLogLevel, Context.get(services, References.MinimumLogLevel))
  )

/**
 * Logs one entry from code that runs outside Effect (an executor process's
 * socket callbacks), with the settings of the environment; a bad setting
 * there falls back to logfmt at INFO rather than losing the line.
 *
 * **Example**
 * ```ts
 * Logging.logUnsafe("Warn", "a reply over spark.rpc.message.maxSize was not sent", { executorId: "1" })
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const logUnsafe = (
  level: LogLevel.Severity,
  message: string,
  annotations: Record<string, unknown> = {},
  /** What went wrong, logged as the entry's cause (with its stack). */
  error?: unknown
): void => {
  const read = readSettings(new Map())
  const settings = read instanceof InvalidArgumentError ? { level: undefined, format: undefined } : read
  const parts = error === undefined ? [message] : [message, Cause.die(error)]
  Effect.runSync(
    Effect.logWithLevel(level)(...parts).pipe(
      Effect.annotateLogs(annotations),
      Effect.provide(layer(settings))
    )
  )
}
