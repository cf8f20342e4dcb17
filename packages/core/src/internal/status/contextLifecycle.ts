// What a context says about its own life, as Spark's SparkContext logs it:
// "Running tspark <version>", "Submitted application: <name>" and its master
// at start, "Successfully stopped SparkContext" at the end of stop; and its
// shutdown hook: on SIGINT/SIGTERM the context stops ("Invoking stop() from
// shutdown hook"), after any StreamingContext on it (which has the higher
// priority). The hook is removed when the context's scope closes (stop).
import { type Context, Effect, type Scope } from "effect"
import * as ShutdownHookManager from "../../util/ShutdownHookManager.js"
import { tsparkVersion } from "../version.js"

export interface LifecycleHost {
  readonly master: string
  readonly appName: string
  readonly isStopped: boolean
  readonly stop: () => Effect.Effect<void>
}

/** Logs the start lines and registers the shutdown hook; returns what `stop` runs last. */
export const contextLifecycle = (
  sc: LifecycleHost,
  applicationId: string,
  services: Context.Context<never>,
  scope: Scope.Scope
): Effect.Effect<Effect.Effect<void>> =>
  Effect.gen(function*() {
    const log = (effect: Effect.Effect<void>) => Effect.provideContext(effect, services)
    yield* log(Effect.logInfo(`Running tspark ${tsparkVersion}`))
    yield* log(Effect.logInfo(`Submitted application: ${sc.appName}`))
    yield* log(Effect.logInfo(`Master: ${sc.master}, application id: ${applicationId}`))
    // An application whose StreamingContext the previous hook stopped may have stopped this context itself since.
    const hook = Effect.suspend(() =>
      sc.isStopped ? Effect.void : Effect.andThen(Effect.logInfo("Invoking stop() from shutdown hook"), sc.stop())
    )
    yield* ShutdownHookManager.addShutdownHook(ShutdownHookManager.sparkContextShutdownPriority, hook, services, scope)
    // Once, though a stop from the shutdown hook and one from the application's scope may overlap.
    let said = false
    return Effect.suspend(() => {
      if (said) return Effect.void
      said = true
      return log(Effect.logInfo("Successfully stopped SparkContext"))
    })
  })
