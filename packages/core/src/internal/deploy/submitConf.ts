// What `tspark submit` hands the application it runs: its --master, --name
// and --conf settings as one JSON object in an environment variable of the
// child process. A context's configuration starts from them, and the
// application's own explicit entries override them, as Spark's SparkConf
// takes spark-submit's settings as defaults (the spark.* system properties).
import type * as SparkConf from "../../SparkConf.js"
import { InvalidArgumentError } from "../../SparkError.js"

/** The environment variable carrying the submitted configuration. */
export const submitConfEnvVar = "TSPARK_SUBMIT_CONF"

/** The submitted settings (none outside `tspark submit`), or what is wrong with the variable. */
export const readSubmitConf = (
  env: Readonly<Record<string, string | undefined>> = process.env
): ReadonlyMap<string, string> | InvalidArgumentError => {
  const raw = env[submitConfEnvVar]
  if (raw === undefined || raw === "") return new Map()
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    parsed = error
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || parsed instanceof Error) {
    return new InvalidArgumentError({
      method: submitConfEnvVar,
      message: `${submitConfEnvVar} must be a JSON object of string settings (tspark submit sets it), got ${raw.slice(0, 80)}`
    })
  }
  const entries = new Map<string, string>()
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      return new InvalidArgumentError({
        method: submitConfEnvVar,
        message: `${submitConfEnvVar}: the setting ${key} must be a string, number or boolean`
      })
    }
    entries.set(key, String(value))
  }
  return entries
}

/** The submitted settings with `conf`'s own entries over them. */
export const withSubmitDefaults = (
  conf: SparkConf.SparkConf,
  submitted: ReadonlyMap<string, string>
): SparkConf.SparkConf => submitted.size === 0 ? conf : { entries: new Map([...submitted, ...conf.entries]) }
