/**
 * The options of a streaming context and of its `stop`, and its states.
 *
 * Mirrors the `StreamingContext` constructor arguments, `StreamingContextState`
 * and the arguments of `StreamingContext.stop`.
 *
 * @since 0.1.0
 */
import type { Duration } from "effect"
import type * as JobGenerator from "./scheduler/JobGenerator.js"

/**
 * The lifecycle state of a context.
 *
 * Mirrors `org.apache.spark.streaming.StreamingContextState`.
 *
 * **Example**
 * ```ts
 * if (ssc.getState() === "ACTIVE") yield* ssc.stop()
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type State = "INITIALIZED" | "ACTIVE" | "STOPPED"

/**
 * Options of a streaming context.
 *
 * Mirrors the `StreamingContext` constructor arguments and `spark.streaming.*` settings.
 *
 * **Example**
 * ```ts
 * const options: StreamingContext.StreamingContextOptions = { batchDuration: "1 second" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamingContextOptions {
  /** The batch interval, e.g. `"1 second"` or `1000` (ms). */
  readonly batchDuration: Duration.Input
  /** Hooks for receivers and checkpointing (used by those layers and by tests). */
  readonly hooks?: Partial<JobGenerator.JobGeneratorHooks>
  /** Stop gracefully on SIGTERM/SIGINT (`spark.streaming.stopGracefullyOnShutdown`). */
  readonly stopGracefullyOnShutdown?: boolean
}

/**
 * Options of `stop`.
 *
 * Mirrors the arguments of `StreamingContext.stop(stopSparkContext, stopGracefully)`.
 *
 * **Example**
 * ```ts
 * yield* ssc.stop({ stopSparkContext: false, stopGracefully: true })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface StopOptions {
  /** Stop the SparkContext too (default true). */
  readonly stopSparkContext?: boolean
  /** Wait until every batch already generated has been processed (default false). */
  readonly stopGracefully?: boolean
}
