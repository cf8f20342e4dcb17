/**
 * The history server's applications from a directory of event logs (what
 * `spark.eventLog.dir` wrote): the listing is re-read at most once per
 * `spark.history.fs.update.interval`, and an application's UI is rebuilt by
 * replaying its log into fresh stores (the status store and each plugin's
 * listeners). At most `spark.history.retainedApplications` rebuilt UIs are
 * kept, the least recently used dropped first; an in-progress log is
 * replayed again once the listing saw it grow, a completed one only once.
 * A log that cannot be read or replayed is listed with its error.
 *
 * Mirrors `org.apache.spark.deploy.history.FsHistoryProvider` (and the
 * `ApplicationCache` of `HistoryServer`).
 *
 * @since 0.1.0
 */
import { Clock, type Context, Deferred, Effect } from "effect"
import * as AppStatusListener from "../../status/AppStatusListener.js"
import { type EventLogInfo, type EventLogReadError, listLogs, replay } from "../../scheduler/ReplayListenerBus.js"
import type { SparkListener } from "../../scheduler/SparkListener.js"
import type * as SparkConf from "../../SparkConf.js"
import { InvalidArgumentError } from "../../SparkError.js"
import { uiStoresOf } from "../../internal/ui/startWebUI.js"
import { BoundedLru } from "../../internal/util/boundedLru.js"
import { tsparkVersion } from "../../internal/version.js"
import * as SparkUI from "../../ui/SparkUI.js"
import { type AppHistoryServerPlugin, knownSources } from "./AppHistoryServerPlugin.js"
import type { ApplicationHistoryInfo, ApplicationHistoryProvider, LoadedApplication } from "./ApplicationHistoryProvider.js"

/**
 * Where the logs are and how much is kept: see `HistoryServer.start` for the settings they come from.
 *
 * @category models
 * @since 0.1.0
 */
export interface FsHistoryProviderSettings {
  readonly logDir: string
  readonly updateIntervalMs: number
  /** How many rebuilt UIs are kept: a positive integer (`HistoryServer.start` checks it). */
  readonly retainedApplications: number
  /** The configuration the rebuilt stores are bounded by (spark.ui.retained*, spark.streaming.ui.retainedBatches). */
  readonly conf: SparkConf.SparkConf
  readonly plugins: ReadonlyArray<AppHistoryServerPlugin>
}

interface KeptUI {
  readonly ui: SparkUI.SparkUI
  readonly path: string
  readonly size: number
}

const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)

const infoOf = (log: EventLogInfo, error: string | undefined): ApplicationHistoryInfo => ({
  id: log.appId,
  name: log.appName ?? log.appId,
  sparkUser: log.sparkUser ?? "",
  startTime: log.startTime,
  endTime: log.endTime ?? (log.completed ? log.lastUpdated : undefined),
  completed: log.completed,
  lastUpdated: log.lastUpdated,
  path: log.path,
  size: log.size,
  error
})

/**
 * The provider over one log directory.
 *
 * @category models
 * @since 0.1.0
 */
export class FsHistoryProvider implements ApplicationHistoryProvider {
  private listing: ReadonlyArray<ApplicationHistoryInfo> = []
  private lastScan: number | undefined
  /** Errors of logs met while replaying, by path and size: a log that grows is tried again. */
  private readonly replayErrors = new Map<string, { readonly size: number; readonly error: string }>()
  /** The rebuilt UIs, least recently used first. */
  private readonly kept: BoundedLru<string, KeptUI>
  private readonly warnedSources = new Set<string>()
  /** Replays under way, by application: a request for the same log waits for it instead of replaying it again. */
  private readonly loading = new Map<string, { readonly size: number; readonly done: Deferred.Deferred<LoadedApplication> }>()

  constructor(readonly settings: FsHistoryProviderSettings, private readonly services: Context.Context<never>) {
    this.kept = new BoundedLru(settings.retainedApplications)
  }

  /** The listing as last read, without re-reading: what the home page shows when a re-read fails. */
  lastListing(): ReadonlyArray<ApplicationHistoryInfo> {
    return this.listing
  }

  /** The application ids whose rebuilt UIs are kept, least recently used first: for tests and monitoring. */
  keptApplications(): ReadonlyArray<string> {
    return [...this.kept.keys()]
  }

  /** Re-reads the directory when the update interval has passed since the last read (or there was none). */
  private readonly checkForLogs: Effect.Effect<void, EventLogReadError> = Effect.gen({ self: this }, function*() {
    const now = yield* Clock.currentTimeMillis
    if (this.lastScan !== undefined && now - this.lastScan < this.settings.updateIntervalMs) return
    const logs = yield* listLogs(this.settings.logDir)
    this.lastScan = now
    // One entry per application: its completed log over a left-over in-progress one.
    const byId = new Map<string, EventLogInfo>()
    for (const log of logs) {
      const seen = byId.get(log.appId)
      if (seen === undefined || (!seen.completed && log.completed)) byId.set(log.appId, log)
    }
    const listing: Array<ApplicationHistoryInfo> = []
    for (const log of byId.values()) listing.push(infoOf(log, yield* this.errorOf(log)))
    this.listing = listing
    // Errors and kept UIs of logs that are gone (deleted, or renamed when their application ended) are dropped.
    const paths = new Set(logs.map((log) => log.path))
    for (const known of this.replayErrors.keys()) if (!paths.has(known)) this.replayErrors.delete(known)
  })

  /** A log that names no application start is replayed once (per size) to say what is wrong with it. */
  private errorOf(log: EventLogInfo): Effect.Effect<string | undefined> {
    const known = this.replayErrors.get(log.path)
    if (known !== undefined && known.size === log.size) return Effect.succeed(known.error)
    if (log.startTime !== undefined) return Effect.succeed(undefined)
    return replay(log.path, []).pipe(
      Effect.map(() => "the log has no SparkListenerApplicationStart: not an application's event log"),
      Effect.catch((error) => Effect.succeed(messageOf(error))),
      Effect.tap((error) => Effect.sync(() => this.replayErrors.set(log.path, { size: log.size, error })))
    )
  }

  readonly getListing: Effect.Effect<ReadonlyArray<ApplicationHistoryInfo>, EventLogReadError> = Effect.gen({ self: this }, function*() {
    yield* this.checkForLogs
    return this.listing
  })

  getAppUI(appId: string): Effect.Effect<LoadedApplication, EventLogReadError> {
    return Effect.gen({ self: this }, function*() {
      yield* this.checkForLogs
      const info = this.listing.find((app) => app.id === appId)
      if (info === undefined) return { _tag: "NotFound" } as const
      if (info.error !== undefined) return { _tag: "Failed", info, error: info.error } as const
      const kept = this.kept.peek(appId)
      if (kept !== undefined && kept.path === info.path && kept.size === info.size) {
        this.kept.get(appId) // now the most recently used
        return { _tag: "Loaded", ui: kept.ui, info } as const
      }
      const inFlight = this.loading.get(appId)
      if (inFlight !== undefined && inFlight.size === info.size) return yield* Deferred.await(inFlight.done)
      const done = yield* Deferred.make<LoadedApplication>()
      this.loading.set(appId, { size: info.size, done })
      return yield* this.load(appId, info).pipe(
        Effect.tap((loaded) => Deferred.succeed(done, loaded)),
        Effect.onExit(() =>
          Effect.sync(() => {
            if (this.loading.get(appId)?.done === done) this.loading.delete(appId)
          })
        ),
        Effect.onInterrupt(() => Deferred.interrupt(done))
      )
    })
  }

  /** Replays the log and keeps the UI (dropping the least recently used beyond the bound), or records the log's error. */
  private load(appId: string, info: ApplicationHistoryInfo): Effect.Effect<LoadedApplication> {
    return Effect.gen({ self: this }, function*() {
      const rebuilt = yield* Effect.result(this.rebuild(info))
      if (rebuilt._tag === "Failure") {
        const error = messageOf(rebuilt.failure)
        this.replayErrors.set(info.path, { size: info.size, error })
        this.listing = this.listing.map((app) => (app.id === appId ? { ...app, error } : app))
        yield* Effect.logWarning(`could not replay the event log ${info.path}: ${error}`)
        return { _tag: "Failed", info, error } as const
      }
      this.kept.set(appId, { ui: rebuilt.success, path: info.path, size: info.size })
      return { _tag: "Loaded", ui: rebuilt.success, info } as const
    })
  }

  /** Replays the log into a fresh status store and the plugins' listeners, and builds the UI over them. */
  private rebuild(info: ApplicationHistoryInfo) {
    return Effect.gen({ self: this }, function*() {
      const store = AppStatusListener.make(this.settings.conf)
      if (store instanceof InvalidArgumentError) return yield* Effect.fail(store)
      const replays = this.settings.plugins.map((plugin) => plugin.createListeners(this.settings.conf))
      const handled = new Set(this.settings.plugins.flatMap((plugin) => plugin.sources))
      const unhandled = new Set<string>()
      const sources: SparkListener = {
        onOtherEvent: (event) => {
          if (!handled.has(event.source)) unhandled.add(event.source)
        }
      }
      const result = yield* replay(info.path, [store, sources, ...replays.flatMap((r) => r.listeners)])
      for (const source of unhandled) {
        if (this.warnedSources.has(source)) continue
        this.warnedSources.add(source)
        const pkg = knownSources[source]
        yield* Effect.logWarning(
          `the event log ${info.path} has "${source}" events that no loaded history plugin replays` +
            (pkg === undefined ? "" : `: install ${pkg} beside @tspark/core to see them`)
        )
      }
      if (result.listenerErrors.length > 0) {
        yield* Effect.logWarning(
          `replaying ${info.path}: ${result.listenerErrors.length} events failed in listeners, first: ${result.listenerErrors[0]}`
        )
      }
      const ui = SparkUI.make({
        ...uiStoresOf(store, { id: info.id, name: info.name, startTime: info.startTime ?? 0 }, tsparkVersion),
        // A finished application does not change: its pages need no refresh.
        refreshMs: info.completed ? 0 : 2000,
        now: () => Effect.runSyncWith(this.services)(Clock.currentTimeMillis)
      })
      for (const r of replays) r.setupUI(ui)
      return ui
    })
  }
}
