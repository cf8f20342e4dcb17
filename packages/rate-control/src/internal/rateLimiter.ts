import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { RateLimiter, RateLimiterOptions } from "../RateLimiter.js"
import { InvalidArgumentError, type InvalidConfigError, type InvalidRateError } from "../RateControlError.js"
import * as keys from "./keys.js"
import * as validate from "./validate.js"

/** @internal */
export const defaultBurstSeconds = 0.1

/**
 * @internal
 * A token bucket that refills continuously at `rate` tokens/s up to `capacity`
 * (`rate * burstSeconds`, at least 1). A take always succeeds by debiting the
 * bucket, possibly below zero; the caller then waits until the debt is repaid.
 * So the records let through by time t never exceed `capacity + rate * elapsed`.
 */
export class TokenBucket {
  rate: number
  capacity: number
  tokens: number
  last: number
  constructor(
    readonly clock: Clock.Clock,
    rate: number,
    readonly burstSeconds: number
  ) {
    this.rate = rate
    this.capacity = capacityOf(rate, burstSeconds)
    this.tokens = this.capacity
    this.last = clock.currentTimeMillisUnsafe()
  }

  /** Adds the tokens earned since the last refill. */
  refill(now: number): void {
    const elapsed = now - this.last
    if (elapsed > 0) {
      const tokens = this.tokens + elapsed * this.rate / 1000
      this.tokens = tokens < this.capacity ? tokens : this.capacity
      this.last = now
    }
  }

  /** Takes `n` tokens if they are there now; never waits, never goes into debt. */
  tryTake(n: number): boolean {
    if (this.rate === Infinity) return true
    this.refill(this.clock.currentTimeMillisUnsafe())
    if (this.tokens >= n) {
      this.tokens -= n
      return true
    }
    return false
  }

  /** Debits `n` tokens and returns how many milliseconds the caller must wait. */
  take(n: number): number {
    if (this.rate === Infinity) return 0
    this.refill(this.clock.currentTimeMillisUnsafe())
    this.tokens -= n
    return this.tokens >= 0 ? 0 : -this.tokens * 1000 / this.rate
  }

  /** Gives back tokens taken by a caller that was interrupted while waiting. */
  refund(n: number): void {
    if (this.rate === Infinity) return
    const tokens = this.tokens + n
    this.tokens = tokens < this.capacity ? tokens : this.capacity
  }

  setRate(rate: number): void {
    const now = this.clock.currentTimeMillisUnsafe()
    if (this.rate === Infinity) {
      this.tokens = capacityOf(rate, this.burstSeconds)
    } else {
      this.refill(now)
    }
    this.last = now
    this.rate = rate
    this.capacity = capacityOf(rate, this.burstSeconds)
    if (this.tokens > this.capacity) this.tokens = this.capacity
  }
}

const capacityOf = (rate: number, burstSeconds: number): number => {
  const c = rate * burstSeconds
  return c > 1 ? c : 1
}

const invalidPermits = (n: number) =>
  Effect.fail(
    new InvalidArgumentError({
      argument: "permits",
      value: n,
      message: `cannot acquire ${validate.show(n)} permits; pass a finite number of records >= 0.`
    })
  )

/** @internal */
export const make = Effect.fnUntraced(function*(
  options?: RateLimiterOptions
): Effect.fn.Return<RateLimiter, InvalidRateError | InvalidArgumentError> {
  const maxRateOption = options?.maxRate
  const maxRate = maxRateOption === undefined
    ? Infinity
    : (yield* validate.rate("maxRate", maxRateOption, {
      allowInfinity: true,
      hint: "0 means unlimited, as spark.streaming.receiver.maxRate."
    })) || Infinity
  const initialRateOption = options?.initialRate
  const initialRate = initialRateOption === undefined ? maxRate : Math.min(
    yield* validate.rate("initialRate", initialRateOption, {
      positive: true,
      allowInfinity: true,
      hint: "Leave it out to start at maxRate."
    }),
    maxRate
  )
  const burstSeconds = options?.burstSeconds ?? defaultBurstSeconds
  if (!(burstSeconds > 0 && burstSeconds <= 1)) {
    return yield* new InvalidArgumentError({
      argument: "burstSeconds",
      value: burstSeconds,
      message: `burstSeconds is ${validate.show(burstSeconds)}; pass a fraction of a second in (0, 1] (default 0.1).`
    })
  }
  const clock = yield* Effect.clockWith(Effect.succeed)
  const bucket = new TokenBucket(clock, initialRate, burstSeconds)

  const acquire = (n: number = 1): Effect.Effect<void, InvalidArgumentError> =>
    Effect.suspend(() => {
      if (!(n >= 0 && n !== Infinity)) return invalidPermits(n)
      const wait = bucket.take(n)
      if (wait === 0) return Effect.void
      return Effect.onInterrupt(clock.sleep(Duration.millis(wait)), () => Effect.sync(() => bucket.refund(n)))
    })

  const updateRate = (rate: number): Effect.Effect<void, InvalidRateError> =>
    Effect.suspend((): Effect.Effect<void, InvalidRateError> => {
      if (!(rate >= 0)) {
        return Effect.asVoid(validate.rate("rate", rate, {
          allowInfinity: true,
          hint: "A new rate of 0 is ignored, as in Spark."
        }))
      }
      // Spark's RateLimiter.updateRate ignores rates <= 0
      if (rate > 0) bucket.setRate(Math.min(rate, maxRate))
      return Effect.void
    })

  return {
    maxRate,
    burstSeconds,
    currentLimitUnsafe: () => bucket.rate,
    currentLimit: Effect.sync(() => bucket.rate),
    updateRate,
    acquire,
    tryAcquire: (n = 1) => n >= 0 && n !== Infinity && bucket.tryTake(n)
  }
})

/** @internal */
export const optionsFromConfig = Effect.fnUntraced(function*(
  conf: Readonly<Record<string, string>>
): Effect.fn.Return<RateLimiterOptions, InvalidConfigError> {
  const maxRate = yield* validate.confNumber(conf, keys.receiverMaxRate)
  const initialRate = yield* validate.confNumber(conf, keys.initialRate)
  return {
    // Spark: "Setting this to 0 or a negative number will put no limit on the rate."
    ...(maxRate === undefined || maxRate <= 0 ? {} : { maxRate }),
    ...(initialRate === undefined ? {} : { initialRate })
  }
})

/** @internal */
export const fromConfig = (conf: Readonly<Record<string, string>>) => Effect.flatMap(optionsFromConfig(conf), make)
