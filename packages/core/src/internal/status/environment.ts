// What a context tells listeners about itself before any job (Spark's
// SparkContext.postApplicationStart and postEnvironmentUpdate): who runs
// which application, and its environment with secrets redacted as
// spark.redaction.regex says.
import * as os from "node:os"
import type { EnvironmentDetails, SparkListenerEvent } from "../../scheduler/SparkListener.js"
import * as SparkConf from "../../SparkConf.js"
import { InvalidArgumentError } from "../../SparkError.js"
import { tsparkVersion } from "../version.js"

/** Spark 3.5's default of `spark.redaction.regex`. */
export const DEFAULT_REDACTION_REGEX = "(?i)secret|password|token|access[.]?key"

/** What a redacted value shows (Spark's `Utils.REDACTION_REPLACEMENT_TEXT`). */
export const REDACTION_REPLACEMENT_TEXT = "*********(redacted)"

/**
 * The redaction pattern of `spark.redaction.regex`: Java's leading `(?i)` is
 * read as the case-insensitive flag. A pattern that does not compile is an
 * `InvalidArgumentError` naming the key.
 */
export const redactionPattern = (conf: SparkConf.SparkConf): RegExp | InvalidArgumentError => {
  const source = SparkConf.getString(conf, "spark.redaction.regex", DEFAULT_REDACTION_REGEX)
  const insensitive = source.startsWith("(?i)")
  try {
    return new RegExp(insensitive ? source.slice(4) : source, insensitive ? "i" : "")
  } catch (cause) {
    return new InvalidArgumentError({
      method: "SparkContext",
      message: `spark.redaction.regex must be a regular expression, got ${JSON.stringify(source)} ` +
        `(${(cause as Error).message}); set it to a valid pattern such as ${DEFAULT_REDACTION_REGEX}`
    })
  }
}

/** The pairs with every value whose key or value matches `pattern` replaced, as Spark's `Utils.redact`. */
export const redact = (
  pattern: RegExp,
  pairs: Iterable<readonly [string, string]>
): Array<readonly [string, string]> =>
  [...pairs].map(([key, value]) => (pattern.test(key) || pattern.test(value) ? [key, REDACTION_REPLACEMENT_TEXT] : [key, value]))

const sorted = (pairs: Array<readonly [string, string]>) => pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))

/** Spark's `Utils.getCurrentUserName`: `SPARK_USER`, else the process's user. */
export const sparkUser = (): string => {
  const fromEnv = process.env["SPARK_USER"]
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv
  try {
    return os.userInfo().username
  } catch {
    return "unknown"
  }
}

/** The environment of a context: runtime, Spark properties (redacted) and system facts. */
export const environmentDetails = (conf: SparkConf.SparkConf, pattern: RegExp): EnvironmentDetails => ({
  runtime: [
    ["Node Version", process.version],
    ["V8 Version", process.versions.v8],
    ["tspark Version", tsparkVersion]
  ],
  sparkProperties: sorted(redact(pattern, conf.entries)),
  systemProperties: sorted(redact(pattern, [
    ["os.name", os.type()],
    ["os.arch", process.arch],
    ["os.version", os.release()],
    ["platform", process.platform],
    ["cpus", String(os.cpus().length)],
    ["user.dir", process.cwd()],
    ["pid", String(process.pid)]
  ]))
})

/** The two events a context posts before any job, in Spark's order: the environment, then the application's start. */
export const startEvents = (
  conf: SparkConf.SparkConf,
  pattern: RegExp,
  app: { readonly appName: string; readonly appId: string; readonly startTime: number }
): ReadonlyArray<SparkListenerEvent> => [
  { _tag: "EnvironmentUpdate", environmentDetails: environmentDetails(conf, pattern) },
  { _tag: "ApplicationStart", appName: app.appName, appId: app.appId, time: app.startTime, sparkUser: sparkUser() }
]
