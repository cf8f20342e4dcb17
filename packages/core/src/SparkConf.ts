/**
 * Configuration of a `SparkContext`: string keys as in Spark
 * (`spark.master`, `spark.task.maxFailures`, ...), with typed getters.
 *
 * Mirrors `org.apache.spark.SparkConf`.
 *
 * @since 0.1.0
 */
import { InvalidArgumentError } from "./SparkError.js"

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
export const getString = (conf: SparkConf, key: string, defaultValue: string): string =>
  conf.entries.get(key) ?? defaultValue

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

/**
 * Reads a size in bytes: a number, or a number with a unit (`512k`, `64m`, `1g`).
 *
 * @category getters
 * @since 0.1.0
 */
export const getBytes = (conf: SparkConf, key: string, defaultValue: number): number | InvalidArgumentError => {
  const raw = conf.entries.get(key)
  if (raw === undefined) return defaultValue
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)b?\s*$/i.exec(raw)
  if (match === null) {
    return new InvalidArgumentError({
      method: "SparkConf",
      message: `${key} must be a size such as 536870912, 512m or 2g, got "${raw}"`
    })
  }
  const unit = match[2]!.toLowerCase()
  const scale = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : unit === "t" ? 1024 ** 4 : 1
  return Math.floor(Number(match[1]) * scale)
}
