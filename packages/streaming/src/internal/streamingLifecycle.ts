// What a StreamingContext says about its own life, as Spark's logs it
// ("StreamingContext started", "StreamingContext stopped successfully"), and
// its shutdown hook: on SIGINT/SIGTERM it stops first (priority 51, above its
// SparkContext's 50), gracefully when spark.streaming.stopGracefullyOnShutdown
// (or the option) says so, leaving the SparkContext to its own hook, which
// runs next. Its lines go through the services its SparkContext logs through
// (the caller's, with spark.log.level/format applied).
import { type SparkContext, SparkConf, SparkError, ShutdownHookManager } from "@tspark/core"
import { Effect, type Scope } from "effect"
import { IllegalStateError } from "../StreamingError.js"

interface LifecycleHost {
  readonly sparkContext: SparkContext.SparkContext
  readonly stop: (options: { readonly stopSparkContext: boolean; readonly stopGracefully: boolean }) => Effect.Effect<void>
}

const logThrough = (sc: SparkContext.SparkContext, effect: Effect.Effect<void>): Effect.Effect<void> =>
  Effect.provideContext(effect, sc.status.services)

const gracefulKey = "spark.streaming.stopGracefullyOnShutdown"

/** Registers the shutdown hook until `scope` closes (stop) and logs the start. */
export const afterStart = (
  ssc: LifecycleHost,
  scope: Scope.Scope,
  gracefulOption: boolean | undefined
): Effect.Effect<void, IllegalStateError> =>
  Effect.gen(function*() {
    const sc = ssc.sparkContext
    const fromConf = SparkConf.getBoolean(sc.conf, gracefulKey, false)
    if (fromConf instanceof SparkError.InvalidArgumentError) return yield* new IllegalStateError({ message: fromConf.message })
    const stopGracefully = gracefulOption ?? fromConf
    const hook = Effect.andThen(
      Effect.logInfo(`Invoking stop(stopGracefully=${stopGracefully}) from shutdown hook`),
      Effect.suspend(() => ssc.stop({ stopSparkContext: false, stopGracefully }))
    )
    yield* ShutdownHookManager.addShutdownHook(
      ShutdownHookManager.streamingContextShutdownPriority,
      hook,
      sc.status.services,
      scope
    )
    yield* logThrough(sc, Effect.logInfo("StreamingContext started"))
  })

/** The last line of `stop`. */
export const stopped = (sc: SparkContext.SparkContext): Effect.Effect<void> =>
  logThrough(sc, Effect.logInfo("StreamingContext stopped successfully"))
