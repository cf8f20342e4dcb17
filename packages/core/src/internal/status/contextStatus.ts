// What a context keeps and serves about itself, started with it: the log
// lines of what goes wrong in its jobs, the status store the UI and the REST
// API read (bounded by spark.ui.retained*), the event log (spark.eventLog.*),
// the environment and application-start events, the start and stop lines,
// the console progress bar and the web UI. One place, so SparkContext.make
// stays a composition and each of these stays in its own module. The
// context's bus holds its events until this has added its listeners, then
// starts.
import { type Context, Effect, Scope } from "effect"
import * as AppStatusListener from "../../status/AppStatusListener.js"
import * as EventLoggingListener from "../../scheduler/EventLoggingListener.js"
import type { SparkListener, SparkListenerEvent } from "../../scheduler/SparkListener.js"
import type * as SparkConf from "../../SparkConf.js"
import { InvalidArgumentError } from "../../SparkError.js"
import * as ConsoleProgressBar from "../../ui/ConsoleProgressBar.js"
import { withLoggingOf } from "../../util/Logging.js"
import { schedulerLogging } from "../scheduler/schedulerLogging.js"
import { redactionPattern, startEvents } from "./environment.js"
import { contextLifecycle } from "./contextLifecycle.js"

/** The caller's services with spark.log.level/format applied: what a context logs through. */
export { servicesFor as logServices } from "../../util/Logging.js"
import type { SparkUI } from "../../ui/SparkUI.js"
import { tsparkVersion } from "../version.js"
import { startWebUI, type UIHost } from "../ui/startWebUI.js"

/** What `startContextStatus` started, kept by the context. */
export interface ContextStatus {
  /** The application's id (Spark's `sc.applicationId`). */
  readonly applicationId: string
  /** The live status store (Spark's AppStatusStore), fed by the listener bus. */
  readonly store: AppStatusListener.AppStatusListener
  /** The web UI's address (`http://host:port`), when it runs. */
  readonly uiWebUrl: string | undefined
  /** The event log, when `spark.eventLog.enabled`. */
  readonly eventLog: EventLoggingListener.EventLoggingListener | undefined
  /** The services the context logs through (the caller's, with spark.log.* applied). */
  readonly services: Context.Context<never>
  /** Run by `stop` once the context's scope is closed: its last log line. */
  readonly afterStop: Effect.Effect<void>
  /** Run when a job's result is in, before its caller sees it: clears the console progress bar (Spark's finishAll). */
  readonly jobFinished: Effect.Effect<void>
  /** The web UI, when `spark.ui.enabled`: other modules attach their tabs to it (Spark's `sc.ui`). */
  readonly ui: SparkUI | undefined
}

/** The part of the context these need: its configuration and its listener bus. */
export interface StatusHost extends Partial<Omit<UIHost, "conf" | "startTime">> {
  readonly conf: SparkConf.SparkConf
  readonly master: string
  readonly appName: string
  readonly startTime: number
  readonly addSparkListener: (listener: SparkListener) => void
  /** The context's listener bus, holding its events until this starts it. */
  readonly listenerBus: { readonly post: (event: SparkListenerEvent) => void; readonly start: () => void }
  readonly isStopped: boolean
  readonly stop: () => Effect.Effect<void>
}

/**
 * `spark.app.id` when set; else as Spark's backends name it: `local-<start
 * ms>` for a local master, `app-<yyyyMMddHHmmss>-0000` (UTC) for a cluster.
 */
export const applicationIdOf = (sc: Pick<StatusHost, "conf" | "master" | "startTime">): string => {
  const explicit = sc.conf.entries.get("spark.app.id")
  if (explicit !== undefined && explicit !== "") return explicit
  if (sc.master.startsWith("local[") || sc.master === "local") return `local-${sc.startTime}`
  const stamp = new Date(sc.startTime).toISOString().replace(/[-:T]/g, "").slice(0, 14)
  return `app-${stamp}-0000`
}

export const startContextStatus = (
  sc: StatusHost,
  callerServices: Context.Context<never>,
  /** The context's own scope, closed by `stop`. */
  scope: Scope.Scope
): Effect.Effect<ContextStatus, InvalidArgumentError> =>
  Effect.gen(function*() {
    // Every setting is checked before anything is started or written.
    const store = AppStatusListener.make(sc.conf)
    if (store instanceof InvalidArgumentError) return yield* Effect.fail(store)
    const redaction = redactionPattern(sc.conf)
    if (redaction instanceof InvalidArgumentError) return yield* Effect.fail(redaction)
    const applicationId = applicationIdOf(sc)
    const eventLog = yield* EventLoggingListener.start(sc.conf, applicationId, scope)
    sc.addSparkListener(schedulerLogging((log) => void Effect.runForkWith(callerServices)(log)))
    sc.addSparkListener(store)
    if (eventLog !== undefined) sc.addSparkListener(eventLog)
    // As Spark's SparkContext: the environment, then the application's start, before any job.
    for (const event of startEvents(sc.conf, redaction, { appName: sc.appName, appId: applicationId, startTime: sc.startTime })) {
      sc.listenerBus.post(event)
    }
    const afterStop = yield* contextLifecycle(sc, applicationId, callerServices, scope)
    const progressBar = yield* ConsoleProgressBar.start(sc, callerServices, scope)
    const jobFinished = progressBar === undefined ? Effect.void : ConsoleProgressBar.finishAll(progressBar)
    const cancelJob = sc.cancelJob
    const host: UIHost = {
      conf: sc.conf,
      appName: sc.appName,
      startTime: sc.startTime,
      ...(cancelJob === undefined ? {} : { cancelJob: (jobId: number, reason?: string) => cancelJob.call(sc, jobId, reason) })
    }
    // What it serves stops with the context's scope.
    const web = yield* Scope.provide(startWebUI(host, applicationId, store, tsparkVersion, callerServices), scope).pipe(
      withLoggingOf(callerServices)
    )
    // Its listeners are in place: the events held since the context started (executors registering) go out.
    sc.listenerBus.start()
    return {
      applicationId,
      store,
      uiWebUrl: web.url,
      ui: web.ui,
      eventLog,
      services: callerServices,
      afterStop,
      jobFinished
    }
  })
