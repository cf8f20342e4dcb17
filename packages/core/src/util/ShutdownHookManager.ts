/**
 * Stops what runs when the process is asked to stop (SIGINT, SIGTERM): each
 * running context registers a hook, the hooks run one after another from the
 * highest priority down (a StreamingContext, 51, before its SparkContext, 50),
 * and the process then exits with the signal's conventional code (130 for
 * SIGINT, 143 for SIGTERM). The signal handlers are installed only while a
 * hook is registered, and a signal handler keeps no process alive, so an
 * application that ends by itself still ends. A second signal while the hooks
 * run is ignored (as Spark's is): `tspark submit` forwards the signals it gets
 * to the application, which a terminal's Ctrl-C reaches directly too.
 *
 * Mirrors `org.apache.spark.util.ShutdownHookManager`.
 *
 * @since 0.1.0
 */
import { type Context, Effect, Scope } from "effect"

/**
 * The priority of a SparkContext's hook.
 *
 * Mirrors `ShutdownHookManager.SPARK_CONTEXT_SHUTDOWN_PRIORITY`.
 *
 * @category models
 * @since 0.1.0
 */
export const sparkContextShutdownPriority = 50

/**
 * The priority of a StreamingContext's hook: above its SparkContext's, so
 * streaming stops first.
 *
 * Mirrors `StreamingContext.SHUTDOWN_HOOK_PRIORITY`.
 *
 * @category models
 * @since 0.1.0
 */
export const streamingContextShutdownPriority = sparkContextShutdownPriority + 1

/**
 * The signals handled, with the exit code each conventionally gives (128 + its number).
 *
 * @category models
 * @since 0.1.0
 */
export const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const

/**
 * What the manager needs of the process: signal subscription and exit.
 * `process` itself by default; a test passes its own.
 *
 * @category models
 * @since 0.1.0
 */
export interface SignalTarget {
  readonly on: (signal: keyof typeof signalExitCodes, listener: () => void) => unknown
  readonly off: (signal: keyof typeof signalExitCodes, listener: () => void) => unknown
  readonly exit: (code: number) => void
}

interface Hook {
  readonly priority: number
  readonly run: () => Promise<void>
}

/**
 * A set of hooks run on SIGINT/SIGTERM.
 *
 * **Example**
 * ```ts
 * const manager = new ShutdownHookManager.ShutdownHookManager()
 * const remove = manager.add(50, () => Promise.resolve())
 * remove()
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class ShutdownHookManager {
  private readonly hooks = new Set<Hook>()
  private readonly listeners = new Map<keyof typeof signalExitCodes, () => void>()
  private running = false
  private exit: (code: number) => void

  constructor(private readonly target: SignalTarget = process) {
    this.exit = (code) => target.exit(code)
  }

  /**
   * Calls `exit` instead of exiting after the hooks ran, until the returned
   * function restores the exit: how a test delivers a signal to the process
   * (`process.emit("SIGTERM")`) and stays alive.
   */
  overrideExit(exit: (code: number) => void): () => void {
    const previous = this.exit
    this.exit = exit
    return () => {
      this.exit = previous
    }
  }

  /** How many hooks are registered. */
  get size(): number {
    return this.hooks.size
  }

  /** Whether the signal handlers are installed (while a hook is registered). */
  get installed(): boolean {
    return this.listeners.size > 0
  }

  /** Registers `run` at `priority` (higher runs first); returns what removes it. */
  add(priority: number, run: () => Promise<void>): () => void {
    const hook: Hook = { priority, run }
    this.hooks.add(hook)
    if (!this.installed) {
      for (const signal of Object.keys(signalExitCodes) as Array<keyof typeof signalExitCodes>) {
        const listener = () => void this.onSignal(signal)
        this.listeners.set(signal, listener)
        this.target.on(signal, listener)
      }
    }
    return () => {
      this.hooks.delete(hook)
      // While the hooks run the handlers stay, so a repeated signal does not kill the process midway.
      if (this.hooks.size === 0 && !this.running) this.uninstall()
    }
  }

  private uninstall(): void {
    for (const [signal, listener] of this.listeners) this.target.off(signal, listener)
    this.listeners.clear()
  }

  /** Runs every hook, highest priority first (a failing one does not stop the rest), then exits. */
  private async onSignal(signal: keyof typeof signalExitCodes): Promise<void> {
    const code = signalExitCodes[signal]
    // A repeat while the hooks run (Ctrl-C reaches tspark submit and its application both) is ignored, as Spark's is.
    if (this.running) return
    this.running = true
    const ordered = [...this.hooks].sort((a, b) => b.priority - a.priority)
    for (const hook of ordered) {
      await hook.run().catch(() => undefined)
    }
    this.running = false
    if (this.hooks.size === 0) this.uninstall()
    this.exit(code)
  }
}

/**
 * The process's manager.
 *
 * @category services
 * @since 0.1.0
 */
export const processHooks: ShutdownHookManager = new ShutdownHookManager()

/**
 * Registers `hook` (run with `services`, so it logs and keeps time as its
 * owner does) until `scope` closes. A failure of the hook is logged, not
 * thrown.
 *
 * **Example**
 * ```ts
 * yield* ShutdownHookManager.addShutdownHook(50, sc.stop(), services, scope)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const addShutdownHook = (
  priority: number,
  hook: Effect.Effect<void, unknown>,
  services: Context.Context<never>,
  scope: Scope.Scope,
  manager: ShutdownHookManager = processHooks
): Effect.Effect<void> =>
  Effect.suspend(() => {
    const logged = Effect.catchCause(hook, (cause) => Effect.logError("A shutdown hook failed", cause))
    const remove = manager.add(priority, () => Effect.runPromiseWith(services)(logged))
    return Scope.addFinalizer(scope, Effect.sync(remove))
  })
