// Spark's util.RecurringTimer on Effect's Clock: one fiber that waits for each
// period boundary and calls back; stop(false) lets it finish the trigger in
// progress and run one more (SPARK-10224), stop(true) interrupts it.
import { Logging } from "@tspark/core"
import { Clock, type Context, Effect, Fiber, type Scope } from "effect"
import { IllegalStateError, InvalidStreamError } from "../StreamingError.js"

/** The first period boundary strictly after `now` (Spark's `getStartTime`). */
export const nextBoundary = (now: number, periodMs: number): number => (Math.floor(now / periodMs) + 1) * periodMs

/** The first boundary of `originalStartTime + k * period` strictly after `now` (Spark's `getRestartTime`). */
export const restartBoundary = (now: number, periodMs: number, originalStartTime: number): number =>
  (Math.floor((now - originalStartTime) / periodMs) + 1) * periodMs + originalStartTime

export class RecurringTimerImpl {
  private state: "Initialized" | "Started" | "Stopped" = "Initialized"
  private fiber: Fiber.Fiber<void> | undefined
  private prevTime = -1
  private nextTime = -1
  private stopped = false
  /** The starter's services: the stop is logged as the timer's other lines (at the context's log level). */
  private services: Context.Context<never> | undefined

  constructor(
    readonly periodMs: number,
    private readonly callback: (time: number) => Effect.Effect<void>,
    readonly name: string,
    private readonly scope: Scope.Scope
  ) {}

  /** Whether `stop` has been called (Spark's `isStopped`). */
  get isStopped(): boolean {
    return this.stopped
  }

  get getStartTime(): Effect.Effect<number> {
    return Effect.map(Clock.currentTimeMillis, (now) => nextBoundary(now, this.periodMs))
  }

  getRestartTime(originalStartTime: number): Effect.Effect<number, InvalidStreamError> {
    return Effect.suspend(() => {
      const invalid = wholeTime(this.name, "originalStartTime", originalStartTime)
      if (invalid !== undefined) return Effect.fail(invalid)
      return Effect.map(Clock.currentTimeMillis, (now) => restartBoundary(now, this.periodMs, originalStartTime))
    })
  }

  start(startTime?: number): Effect.Effect<number, IllegalStateError | InvalidStreamError> {
    return Effect.gen({ self: this }, function*() {
      if (this.state !== "Initialized") {
        return yield* new IllegalStateError({
          message: `RecurringTimer ${this.name} was already ${this.state === "Started" ? "started" : "stopped"}; ` +
            `a timer starts once: make a new one to start again`
        })
      }
      if (startTime !== undefined) {
        const invalid = wholeTime(this.name, "startTime", startTime)
        if (invalid !== undefined) return yield* invalid
      }
      const first = startTime ?? (yield* this.getStartTime)
      this.nextTime = first
      this.state = "Started"
      this.services = yield* Effect.context<never>()
      this.fiber = yield* Effect.forkIn(this.loop, this.scope)
      yield* Effect.logInfo(`Started timer for ${this.name} at time ${first}`)
      return first
    })
  }

  stop(interruptTimer: boolean): Effect.Effect<number, IllegalStateError> {
    return Effect.gen({ self: this }, function*() {
      if (this.state === "Initialized") {
        return yield* new IllegalStateError({
          message: `RecurringTimer ${this.name} was stopped before it was started; call start first`
        })
      }
      if (this.state === "Started") {
        this.state = "Stopped"
        this.stopped = true
        const fiber = this.fiber!
        yield* interruptTimer ? Fiber.interrupt(fiber) : Fiber.await(fiber)
        yield* Effect.logInfo(`Stopped timer for ${this.name} after time ${this.prevTime}`).pipe(Logging.withLoggingOf(this.services!))
      }
      return this.prevTime
    })
  }

  /** Waits for the next boundary, calls back, moves on one period (Spark's `triggerActionForNextInterval`). */
  private get trigger(): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      const now = yield* Clock.currentTimeMillis
      if (this.nextTime > now) yield* Effect.sleep(this.nextTime - now)
      yield* this.callback(this.nextTime)
      this.prevTime = this.nextTime
      this.nextTime += this.periodMs
      yield* Effect.logDebug(`Callback for ${this.name} called at time ${this.prevTime}`)
    })
  }

  /** Triggers until stopped, then once more: what was added before the stop gets a callback after it. */
  private get loop(): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      while (!this.stopped) yield* this.trigger
      yield* this.trigger
    })
  }
}

const wholeTime = (name: string, argument: string, time: number): InvalidStreamError | undefined =>
  typeof time === "number" && Number.isSafeInteger(time) ? undefined : new InvalidStreamError({
    stream: `RecurringTimer ${name}`,
    message: `${argument} must be a whole number of milliseconds since the epoch (e.g. a batch time), got ${String(time)}`
  })
