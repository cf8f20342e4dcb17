/**
 * How a module adds to the UIs a history server rebuilds from event logs:
 * listeners replayed with each application's log, and the tab that shows
 * what they heard. Core cannot import the modules built on it (streaming),
 * so they hand the history server their plugin (`tspark history` loads
 * `@tspark/streaming`'s when it is installed).
 *
 * Mirrors `org.apache.spark.status.AppHistoryServerPlugin`.
 *
 * @since 0.1.0
 */
import type { SparkListener } from "../../scheduler/SparkListener.js"
import type * as SparkConf from "../../SparkConf.js"
import type { SparkUI } from "../../ui/SparkUI.js"

/**
 * A plugin's part of one application's rebuilt UI: the listeners the log is
 * replayed into, and `setupUI`, called once the replay is done, which
 * attaches its tab (or nothing, when the log had none of its events).
 *
 * @category models
 * @since 0.1.0
 */
export interface PluginReplay {
  readonly listeners: ReadonlyArray<SparkListener>
  readonly setupUI: (ui: SparkUI) => void
}

/**
 * A history server plugin: its name (logged when loaded), the `OtherEvent`
 * sources it replays (so the server can warn of a log whose events no
 * plugin reads), and `createListeners`, called afresh for each replay with
 * the server's configuration (its `spark.*.retained*` bounds).
 *
 * Mirrors `AppHistoryServerPlugin.createListeners` and `setupUI`.
 *
 * **Example**
 * ```ts
 * const plugin: AppHistoryServerPlugin.AppHistoryServerPlugin = {
 *   name: "hello",
 *   sources: ["hello"],
 *   createListeners: () => ({ listeners: [], setupUI: () => {} })
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface AppHistoryServerPlugin {
  readonly name: string
  readonly sources: ReadonlyArray<string>
  readonly createListeners: (conf: SparkConf.SparkConf) => PluginReplay
}

/**
 * The package that replays each known `OtherEvent` source: what the history
 * server names when a log has events no loaded plugin reads.
 *
 * @category constants
 * @since 0.1.0
 */
export const knownSources: Readonly<Record<string, string>> = { streaming: "@tspark/streaming" }
