// A live context's web UI: the UI over the context's own status store,
// served when spark.ui.enabled until the context stops. The application and
// its environment come from the store (the ApplicationStart/End and
// EnvironmentUpdate events it heard), as a history server's replayed store
// gives them, so the live UI and a rebuilt one are the same code
// (`uiStoresOf`).
import { Clock, type Context, Effect, type Scope } from "effect"
import type * as SparkConf from "../../SparkConf.js"
import type { InvalidArgumentError } from "../../SparkError.js"
import type { AppStatusListener } from "../../status/AppStatusListener.js"
import type { ApplicationEnvironmentInfo } from "../../status/api.js"
import * as SparkUI from "../../ui/SparkUI.js"
import { readUISettings } from "./uiServer.js"

/** The part of the context the UI needs. */
export interface UIHost {
  readonly conf: SparkConf.SparkConf
  readonly appName: string
  readonly startTime: number
  readonly cancelJob?: (jobId: number, reason?: string) => Effect.Effect<void>
}

/** What the UI shows before the store heard the application's start (its first events are delivered asynchronously). */
export interface ApplicationFallback {
  readonly id: string
  readonly name: string
  readonly startTime: number
}

const valueOf = (pairs: ReadonlyArray<readonly [string, string]>, name: string): string | undefined =>
  pairs.find(([key]) => key === name)?.[1]

/** The Environment tab's runtime from the posted runtime pairs (Node's version, the platform). */
const environmentInfo = (env: ApplicationEnvironmentInfo | undefined): SparkUI.EnvironmentInfo => {
  if (env === undefined) {
    return { runtime: { nodeVersion: "", nodeExecPath: "", platform: "" }, sparkProperties: [], systemProperties: [] }
  }
  const os = valueOf(env.systemProperties, "platform") ?? valueOf(env.systemProperties, "os.name") ?? ""
  const arch = valueOf(env.systemProperties, "os.arch")
  return {
    runtime: {
      nodeVersion: valueOf(env.runtime, "Node Version") ?? "",
      nodeExecPath: valueOf(env.runtime, "Node Executable") ?? "",
      platform: arch === undefined ? os : `${os} ${arch}`
    },
    sparkProperties: env.sparkProperties,
    systemProperties: env.systemProperties
  }
}

/**
 * The UI's stores over one status store: the application and environment
 * as the store heard them (`fallback` until its ApplicationStart arrives).
 * The live UI and the history server's rebuilt UIs both read through this.
 */
export const uiStoresOf = (store: AppStatusListener, fallback: ApplicationFallback, version: string): SparkUI.SparkUIStores => ({
  appStatus: store,
  application: () => {
    const info = store.applicationInfo()
    const attempt = info?.attempts[0]
    if (info === undefined || attempt === undefined) {
      return { ...fallback, endTime: undefined, sparkUser: "", appSparkVersion: version }
    }
    return {
      id: info.id,
      name: info.name,
      startTime: attempt.startTime,
      endTime: attempt.completed ? attempt.endTime : undefined,
      sparkUser: attempt.sparkUser,
      appSparkVersion: attempt.appSparkVersion
    }
  },
  environment: () => environmentInfo(store.environment())
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
    const cancelJob = host.cancelJob
    const ui = SparkUI.make({
      ...uiStoresOf(store, { id: applicationId, name: host.appName, startTime: host.startTime }, version),
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
