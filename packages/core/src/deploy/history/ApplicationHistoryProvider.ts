/**
 * What a history server asks of where the applications' logs are: the
 * applications it knows (with the error of a log it could not read), and
 * one application's UI rebuilt from its log.
 *
 * Mirrors `org.apache.spark.deploy.history.ApplicationHistoryProvider`.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { EventLogReadError } from "../../scheduler/ReplayListenerBus.js"
import type { SparkUI } from "../../ui/SparkUI.js"

/**
 * One application of the listing, from its event log's head and tail.
 * `error` is set for a log that could not be read or replayed (the listing
 * shows it; the server goes on).
 *
 * Mirrors `org.apache.spark.status.api.v1.ApplicationInfo` with its attempt, as `FsHistoryProvider` lists it.
 *
 * @category models
 * @since 0.1.0
 */
export interface ApplicationHistoryInfo {
  readonly id: string
  readonly name: string
  readonly sparkUser: string
  readonly startTime: number | undefined
  /** When it ended: its `ApplicationEnd`, else the completed log's last change; `undefined` while in progress. */
  readonly endTime: number | undefined
  readonly completed: boolean
  readonly lastUpdated: number
  /** The log file and its size when listed. */
  readonly path: string
  readonly size: number
  readonly error: string | undefined
}

/**
 * An application's UI rebuilt from its log, or why it could not be.
 *
 * @category models
 * @since 0.1.0
 */
export type LoadedApplication =
  | { readonly _tag: "Loaded"; readonly ui: SparkUI; readonly info: ApplicationHistoryInfo }
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "Failed"; readonly info: ApplicationHistoryInfo; readonly error: string }

/**
 * The applications and their UIs. `getListing` re-reads the log directory
 * at most once per update interval; `getAppUI` replays a log into fresh
 * stores when its UI is not kept or its log grew.
 *
 * Mirrors `ApplicationHistoryProvider.getListing` and `getAppUI`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ApplicationHistoryProvider {
  readonly getListing: Effect.Effect<ReadonlyArray<ApplicationHistoryInfo>, EventLogReadError>
  readonly getAppUI: (appId: string) => Effect.Effect<LoadedApplication, EventLogReadError>
}
