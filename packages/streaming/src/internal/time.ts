import { SparkError } from "@tspark/core"
import { Duration, Effect } from "effect"
import type { Time } from "../Time.js"
import { inputMillis } from "./durations.js"

/** Brands a number of ms the engine produced (a batch time) as a `Time`. */
export const toTime = (ms: number): Time => ms as Time

const invalid = (method: string, message: string) => new SparkError.InvalidArgumentError({ method, message })

export const make = (ms: number): Effect.Effect<Time, SparkError.InvalidArgumentError> =>
  Number.isSafeInteger(ms)
    ? Effect.succeed(toTime(ms))
    : Effect.fail(invalid("Time.make", `a Time is a whole number of milliseconds (e.g. 1000), got ${String(ms)}`))

export const plus = (self: number, duration: Duration.Input): Time => toTime(self + inputMillis(duration))

export const minus = (self: number, duration: Duration.Input): Time => toTime(self - inputMillis(duration))

export const minusTime = (self: number, that: number): Duration.Duration => Duration.millis(self - that)

/** Spark's `floor`: whole multiples of the duration since `zeroTime` (Scala's Long division truncates toward zero). */
export const floor = (self: number, duration: Duration.Input, zeroTime = 0): Time => {
  const d = inputMillis(duration)
  if (!(d > 0)) return toTime(self)
  return toTime(Math.trunc((self - zeroTime) / d) * d + zeroTime)
}

export const isMultipleOf = (self: number, duration: Duration.Input): boolean => {
  const d = inputMillis(duration)
  return d > 0 && self % d === 0
}

/** Spark's `until` (end excluded) and `to` (end included): the times from `self` every `interval`. */
export const range = (
  method: "Time.until" | "Time.to",
  self: number,
  end: number,
  interval: Duration.Input
): Effect.Effect<Array<Time>, SparkError.InvalidArgumentError> => {
  const step = inputMillis(interval)
  if (!(step > 0) || !Number.isFinite(step)) {
    return Effect.fail(invalid(method, `interval must be a positive duration (e.g. "100 millis" or 100), got ${String(interval)}`))
  }
  const times: Array<Time> = []
  const inclusive = method === "Time.to"
  for (let t = self; inclusive ? t <= end : t < end; t += step) times.push(toTime(t))
  return Effect.succeed(times)
}

export const toString = (self: number): string => `${self} ms`
