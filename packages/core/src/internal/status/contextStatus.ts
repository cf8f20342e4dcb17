// What a context keeps and serves about itself, started with it: the log
// lines of what goes wrong in its jobs, the status store the UI and the REST
// API read (bounded by spark.ui.retained*), and, as they land, the event log,
// the console progress bar and the web UI. One place, so SparkContext.make
// stays a composition and each of these stays in its own module.
import { type Context, Effect, type Scope } from "effect"
import * as AppStatusListener from "../../status/AppStatusListener.js"
import type { SparkListener } from "../../scheduler/SparkListener.js"
import type * as SparkConf from "../../SparkConf.js"
import { InvalidArgumentError } from "../../SparkError.js"
import { schedulerLogging } from "../scheduler/schedulerLogging.js"
import type { SparkUI } from "../../ui/SparkUI.js"
import { startWebUI, type UIHost } from "../ui/startWebUI.js"

/** What `startContextStatus` started, kept by the context. */
export interface ContextStatus {
  /** The application's id (Spark's `sc.applicationId`). */
  readonly applicationId: string
  /** The live status store (Spark's AppStatusStore), fed by the listener bus. */
  readonly store: AppStatusListener.AppStatusListener
  /** The web UI's address (`http://host:port`), when it runs. */
  readonly uiWebUrl: string | undefined
  /** The web UI, when `spark.ui.enabled`: other modules attach their tabs to it (Spark's `sc.ui`). */
  readonly ui: SparkUI | undefined
}

/** The part of the context these need: its configuration and its listener bus. */
export interface StatusHost extends Partial<Omit<UIHost, "conf" | "startTime">> {
  readonly conf: SparkConf.SparkConf
  readonly master: string
  readonly startTime: number
  readonly addSparkListener: (listener: SparkListener) => void
}

/**
 * `spark.app.id` when set; else as Spark's backends name it: `local-<start
 * ms>` for a local master, `app-<yyyyMMddHHmmss>-0000` (UTC) for a cluster.
 */
export const applicationIdOf = (sc: StatusHost): string => {
  const explicit = sc.conf.entries.get("spark.app.id")
  if (explicit !== undefined && explicit !== "") return explicit
  if (sc.master.startsWith("local[") || sc.master === "local") return `local-${sc.startTime}`
  const stamp = new Date(sc.startTime).toISOString().replace(/[-:T]/g, "").slice(0, 14)
  return `app-${stamp}-0000`
}

/** The version the UI and REST API report (the packages' version). */
const TSPARK_VERSION = "0.1.0"

export const startContextStatus = (
  sc: StatusHost,
  callerServices: Context.Context<never>
): Effect.Effect<ContextStatus, InvalidArgumentError, Scope.Scope> =>
  Effect.gen(function*() {
    sc.addSparkListener(schedulerLogging((log) => void Effect.runForkWith(callerServices)(log)))
    const store = AppStatusListener.make(sc.conf)
    if (store instanceof InvalidArgumentError) return yield* Effect.fail(store)
    sc.addSparkListener(store)
    const applicationId = applicationIdOf(sc)
    const cancelJob = sc.cancelJob
    const host: UIHost = {
      conf: sc.conf,
      appName: sc.appName ?? "tspark",
      startTime: sc.startTime,
      ...(cancelJob === undefined ? {} : { cancelJob: (jobId: number, reason?: string) => cancelJob.call(sc, jobId, reason) })
    }
    const web = yield* startWebUI(host, applicationId, store, TSPARK_VERSION, callerServices)
    return { applicationId, store, uiWebUrl: web.url, ui: web.ui }
  })
