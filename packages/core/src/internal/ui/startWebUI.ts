// A live context's web UI: the UI over the context's own status store and
// its application and environment information, served when spark.ui.enabled
// until the context stops.
import { Clock, type Context, Effect, type Scope } from "effect"
import * as os from "node:os"
import type * as SparkConf from "../../SparkConf.js"
import type { InvalidArgumentError } from "../../SparkError.js"
import type { AppStatusListener } from "../../status/AppStatusListener.js"
import * as SparkUI from "../../ui/SparkUI.js"
import { readUISettings } from "./uiServer.js"

/** The part of the context the UI needs. */
export interface UIHost {
  readonly conf: SparkConf.SparkConf
  readonly appName: string
  readonly startTime: number
  readonly cancelJob?: (jobId: number, reason?: string) => Effect.Effect<void>
}

/** Keys whose values the Environment tab and REST API hide, as Spark's spark.redaction.regex. */
const REDACTED = /secret|password|token|credential|\.key$/i

const sparkUser = (): string => {
  try {
    return os.userInfo().username
  } catch {
    return process.env["USER"] ?? "unknown"
  }
}

const environmentOf = (conf: SparkConf.SparkConf): SparkUI.EnvironmentInfo => ({
  runtime: { nodeVersion: process.version, nodeExecPath: process.execPath, platform: `${process.platform} ${process.arch}` },
  sparkProperties: [...conf.entries]
    .map(([k, v]) => [k, REDACTED.test(k) ? "*********(redacted)" : v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  systemProperties: [
    ["os.name", os.type()],
    ["os.arch", process.arch],
    ["process.pid", String(process.pid)],
    ["user.dir", process.cwd()],
    ["user.name", sparkUser()],
    ["v8.version", process.versions.v8]
  ]
})

export const startWebUI = (
  host: UIHost,
  applicationId: string,
  store: AppStatusListener,
  version: string,
  callerServices: Context.Context<never>
): Effect.Effect<{ readonly ui: SparkUI.SparkUI | undefined; readonly url: string | undefined }, InvalidArgumentError, Scope.Scope> =>
  Effect.gen(function*() {
    const settings = yield* readUISettings(host.conf)
    if (!settings.enabled) return { ui: undefined, url: undefined }
    const user = sparkUser()
    const environment = environmentOf(host.conf)
    const cancelJob = host.cancelJob
    const ui = SparkUI.make({
      appStatus: store,
      application: () => ({
        id: applicationId,
        name: host.appName,
        startTime: host.startTime,
        // The end time comes with the store's application events; a live UI closes at the end anyway.
        endTime: undefined,
        sparkUser: user,
        appSparkVersion: version
      }),
      environment: () => environment,
      now: () => Effect.runSyncWith(callerServices)(Clock.currentTimeMillis),
      ...(settings.killEnabled && cancelJob !== undefined
        ? { killer: { killJob: (jobId: number) => void Effect.runForkWith(callerServices)(cancelJob(jobId, "killed via the Web UI")) } }
        : {})
    })
    // Served in the context's own scope: stopping the context (Spark's SparkContext.stop) closes it.
    const url = yield* SparkUI.serve(ui, settings)
    yield* Effect.logInfo(`Bound SparkUI to ${settings.host}, and started at ${url}`)
    return { ui, url }
  })
