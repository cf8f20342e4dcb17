/**
 * Spark's `org.apache.spark.util` package: hashing, key maps, orderings, quantiles, the
 * listener bus and the lineage walker the scheduler, the executors and
 * `RDD.toDebugString` share.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Distribution from "./Distribution.js"
/** @since 0.1.0 */
export * as Hash from "./hash.js"
/** @since 0.1.0 */
export * as JsonProtocol from "./JsonProtocol.js"
/** @since 0.1.0 */
export * as KeyMap from "./KeyMap.js"
/** @since 0.1.0 */
export * as Lineage from "./lineage.js"
/** @since 0.1.0 */
export * as ListenerBus from "./ListenerBus.js"
/** @since 0.1.0 */
export * as Logging from "./Logging.js"
/** @since 0.1.0 */
export * as Ordering from "./Ordering.js"
/** @since 0.1.0 */
export * as ShutdownHookManager from "./ShutdownHookManager.js"
/** @since 0.1.0 */
export * as StatCounter from "./StatCounter.js"
