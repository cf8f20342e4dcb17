/**
 * Configuration of a `SparkContext`: string keys as in Spark
 * (`spark.master`, `spark.task.maxFailures`, ...), with typed getters that
 * own the parsing of every value form (master URLs, times, sizes, booleans,
 * numbers). A bad value fails with one error, `InvalidArgumentError`, naming
 * the key and the expected form (`UnknownMasterError` for the master URL).
 *
 * Mirrors `org.apache.spark.SparkConf`.
 *
 * @since 0.1.0
 */
import * as os from "node:os"
import { InvalidArgumentError, UnknownMasterError } from "./SparkError.js"

/**
 * An immutable set of configuration entries.
 *
 * **Example**
 * ```ts
 * const conf = SparkConf.make({ "spark.master": "local[2]", "spark.app.name": "wordcount" })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface SparkConf {
  readonly entries: ReadonlyMap<string, string>
}

/**
 * Creates a configuration from a record of entries. Values are turned into strings.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (entries: Readonly<Record<string, string | number | boolean>> = {}): SparkConf => ({
  entries: new Map(Object.entries(entries).map(([k, v]) => [k, String(v)]))
})

/**
 * Returns a copy with one entry set.
 *
 * @category combinators
 * @since 0.1.0
 */
export const set = (conf: SparkConf, key: string, value: string | number | boolean): SparkConf => {
  const entries = new Map(conf.entries)
  entries.set(key, String(value))
  return { entries }
}

/**
 * Reads a string entry, or the default.
 *
 * @category getters
 * @since 0.1.0
 */
export const getString = (conf: SparkConf, key: string, defaultValue: string): string => conf.entries.get(key) ?? defaultValue

/**
 * Reads an integer entry, failing with a clear error when it is not one.
 *
 * @category getters
 * @since 0.1.0
 */
export const getInt = (
  conf: SparkConf,
  key: string,
  defaultValue: number,
  min = Number.MIN_SAFE_INTEGER
): number | InvalidArgumentError => {
  const raw = conf.entries.get(key)
  if (raw === undefined) return defaultValue
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    return new InvalidArgumentError({
      method: "SparkConf",
      message: `${key} must be an integer >= ${min}, got "${raw}"`
    })
  }
  return value
}

const invalid = (key: string, expected: string, raw: string): InvalidArgumentError =>
  new InvalidArgumentError({ method: "SparkConf", message: `${key} must be ${expected}, got "${raw}"` })

/**
 * Reads a number entry (a double), failing when it is not a finite number.
 *
 * **Example**
 * ```ts
 * const fraction = SparkConf.getDouble(conf, "spark.memory.fraction", 0.6)
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const getDouble = (conf: SparkConf, key: string, defaultValue: number): number | InvalidArgumentError => {
  const raw = conf.entries.get(key)
  if (raw === undefined) return defaultValue
  const value = raw.trim() === "" ? Number.NaN : Number(raw)
  return Number.isFinite(value) ? value : invalid(key, "a number", raw)
}

/**
 * Reads a boolean entry: `true` or `false` (any case), as Spark's `getBoolean`.
 *
 * **Example**
 * ```ts
 * const ship = SparkConf.getBoolean(conf, "spark.tspark.local.shipTasks", false)
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const getBoolean = (conf: SparkConf, key: string, defaultValue: boolean): boolean | InvalidArgumentError => {
  const raw = conf.entries.get(key)
  if (raw === undefined) return defaultValue
  const value = raw.trim().toLowerCase()
  return value === "true" ? true : value === "false" ? false : invalid(key, "true or false", raw)
}

const TIME_UNITS_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000
}

/**
 * Reads a duration in milliseconds: `200ms`, `1s`, `3min` (or `3m`), `1h`,
 * `2d`; a bare number is milliseconds. Mirrors `SparkConf.getTimeAsMs`.
 *
 * **Example**
 * ```ts
 * const wait = SparkConf.getTimeAsMs(conf, "spark.locality.wait", "3s")
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const getTimeAsMs = (conf: SparkConf, key: string, defaultValue: string): number | InvalidArgumentError =>
  parseTime(conf.entries.get(key) ?? defaultValue, key, "ms")

/**
 * Reads a duration in seconds: as `getTimeAsMs`, but a bare number is
 * seconds. Mirrors `SparkConf.getTimeAsSeconds`.
 *
 * **Example**
 * ```ts
 * const timeout = SparkConf.getTimeAsSeconds(conf, "spark.network.timeout", "120s")
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const getTimeAsSeconds = (conf: SparkConf, key: string, defaultValue: string): number | InvalidArgumentError => {
  const ms = parseTime(conf.entries.get(key) ?? defaultValue, key, "s")
  return typeof ms === "number" ? ms / 1000 : ms
}

const parseTime = (raw: string, key: string, bareUnit: "ms" | "s"): number | InvalidArgumentError => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|min|h|d)?\s*$/i.exec(raw)
  if (m === null) return invalid(key, "a duration such as 3s, 200ms, 3min or 1h", raw)
  return Number(m[1]) * TIME_UNITS_MS[(m[2] ?? bareUnit).toLowerCase()]!
}

/**
 * Reads a size in bytes: `100b`, `1024k`, `512m`, `1g`, `1t` (binary units,
 * `kb`/`mb`/... also accepted); a bare number is bytes. Mirrors
 * `SparkConf.getSizeAsBytes`.
 *
 * **Example**
 * ```ts
 * const memory = SparkConf.getSizeAsBytes(conf, "spark.executor.memory", "1g")
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const getSizeAsBytes = (
  conf: SparkConf,
  key: string,
  defaultValue: string | number
): number | InvalidArgumentError => parseSize(conf.entries.get(key) ?? String(defaultValue), key)

/**
 * Reads a size in bytes with a numeric default; the same parser as `getSizeAsBytes`.
 *
 * @category getters
 * @since 0.1.0
 */
export const getBytes = (conf: SparkConf, key: string, defaultValue: number): number | InvalidArgumentError =>
  getSizeAsBytes(conf, key, defaultValue)

const parseSize = (raw: string, key: string): number | InvalidArgumentError => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)b?\s*$/i.exec(raw)
  if (match === null) return invalid(key, "a size such as 536870912, 512m or 2g", raw)
  const scale = 1024 ** " kmgtp".indexOf(match[2]!.toLowerCase() || " ")
  return Math.floor(Number(match[1]) * scale)
}

/**
 * Where executors come from, as a master URL says.
 *
 * @category models
 * @since 0.1.0
 */
export type Master =
  | { readonly _tag: "Local"; readonly cores: number; readonly maxFailures: number | undefined }
  | {
    readonly _tag: "Cluster"
    readonly launcher:
      | { readonly _tag: "WorkerThreads" }
      | { readonly _tag: "Processes" }
      | { readonly _tag: "Listen"; readonly host: string; readonly port: number }
    /** Executors to start, or when listening, to wait for (`spark.executor.instances`). */
    readonly executors: number | undefined
    readonly coresPerExecutor: number
    readonly memoryMb: number
  }

/**
 * Parses a master URL: `local`, `local[N]`, `local[*]`, `local[N,F]`,
 * `local-cluster[N,C,M]`, `local-cluster[*]`, `local-process[N,C,M]` or
 * `tcp://HOST:PORT`. Mirrors `SparkContext.createTaskScheduler`'s master regexes.
 *
 * **Example**
 * ```ts
 * const master = SparkConf.parseMaster("local[4]") // { _tag: "Local", cores: 4, ... }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const parseMaster = (master: string): Master | UnknownMasterError => {
  const all = os.availableParallelism()
  if (master === "local") return { _tag: "Local", cores: 1, maxFailures: undefined }
  const m = /^local\[(\*|\d+)(?:\s*,\s*(\d+))?\]$/.exec(master)
  if (m !== null) {
    const cores = m[1] === "*" ? all : Number(m[1])
    if (cores >= 1) return { _tag: "Local", cores, maxFailures: m[2] === undefined ? undefined : Math.max(1, Number(m[2])) }
  }
  if (master === "local-cluster[*]") {
    return { _tag: "Cluster", launcher: { _tag: "WorkerThreads" }, executors: all, coresPerExecutor: 1, memoryMb: 1024 }
  }
  const cluster = /^local-(cluster|process)\[\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\]$/.exec(master)
  if (cluster !== null) {
    const [executors, coresPerExecutor, memoryMb] = [Number(cluster[2]), Number(cluster[3]), Number(cluster[4])]
    const launcher = cluster[1] === "cluster" ? { _tag: "WorkerThreads" as const } : { _tag: "Processes" as const }
    if (executors >= 1 && coresPerExecutor >= 1 && memoryMb >= 1) {
      return { _tag: "Cluster", launcher, executors, coresPerExecutor, memoryMb }
    }
  }
  const tcp = /^tcp:\/\/([^:/]+):(\d+)$/.exec(master)
  if (tcp !== null && Number(tcp[2]) < 65536) {
    return {
      _tag: "Cluster",
      launcher: { _tag: "Listen", host: tcp[1]!, port: Number(tcp[2]) },
      executors: undefined,
      coresPerExecutor: 1,
      memoryMb: 1024
    }
  }
  return new UnknownMasterError({
    master,
    message: `Could not parse master URL "${master}": use local, local[N] (N task slots, N >= 1), ` +
      "local[*] (one slot per core), local[N,F] (F task failures allowed), " +
      "local-cluster[N,C,M] (N worker-thread executors of C cores and M MiB), local-cluster[*], " +
      "local-process[N,C,M] (N executor processes) or tcp://HOST:PORT (executors started with tspark executor)"
  })
}

/**
 * Reads and parses `spark.master` (default `local[*]`).
 *
 * **Example**
 * ```ts
 * const master = SparkConf.getMaster(SparkConf.make({ "spark.master": "local[2]" }))
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const getMaster = (conf: SparkConf): Master | UnknownMasterError => parseMaster(getString(conf, "spark.master", "local[*]"))

/**
 * Reads `spark.memory.fraction`: the share of executor memory for storage
 * and execution, a number in (0, 1] (default 0.6).
 *
 * **Example**
 * ```ts
 * const fraction = SparkConf.getMemoryFraction(conf)
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const getMemoryFraction = (conf: SparkConf): number | InvalidArgumentError => {
  const value = getDouble(conf, "spark.memory.fraction", 0.6)
  if (typeof value !== "number") return value
  return value > 0 && value <= 1
    ? value
    : invalid("spark.memory.fraction", "a number in (0, 1]", conf.entries.get("spark.memory.fraction")!)
}
