import * as Effect from "effect/Effect"
import { InvalidArgumentError, InvalidConfigError, InvalidDurationError, InvalidRateError } from "../RateControlError.js"

/** @internal */
export const show = (value: unknown): string => typeof value === "string" ? JSON.stringify(value) : String(value)

/** @internal a rate in records/s that must be finite and >= 0 (or > 0 when `positive`). */
export const rate = (
  argument: string,
  value: number,
  options?: { readonly positive?: boolean; readonly allowInfinity?: boolean; readonly hint?: string }
): Effect.Effect<number, InvalidRateError> => {
  const positive = options?.positive === true
  const okInfinity = options?.allowInfinity === true && value === Infinity
  if (typeof value === "number" && (Number.isFinite(value) || okInfinity) && (positive ? value > 0 : value >= 0)) {
    return Effect.succeed(value)
  }
  const bound = positive ? "> 0" : ">= 0"
  const hint = options?.hint === undefined ? "" : ` ${options.hint}`
  return Effect.fail(
    new InvalidRateError({
      argument,
      value,
      message: `${argument} is ${show(value)}; pass a finite number of records per second ${bound}.${hint}`
    })
  )
}

/** @internal a duration in milliseconds that must be finite and > 0. */
export const duration = (argument: string, value: number): Effect.Effect<number, InvalidDurationError> =>
  typeof value === "number" && Number.isFinite(value) && value > 0
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidDurationError({
        argument,
        value,
        message: `${argument} is ${show(value)}; pass a finite duration in milliseconds > 0.`
      })
    )

/** @internal a number that must be finite and >= 0. */
export const nonNegative = (
  argument: string,
  value: number,
  hint?: string
): Effect.Effect<number, InvalidArgumentError> =>
  typeof value === "number" && Number.isFinite(value) && value >= 0
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidArgumentError({
        argument,
        value,
        message: `${argument} is ${show(value)}; pass a finite number >= 0.${hint === undefined ? "" : ` ${hint}`}`
      })
    )

/** @internal reads an optional number from a config record. */
export const confNumber = (
  conf: Readonly<Record<string, string>>,
  key: string
): Effect.Effect<number | undefined, InvalidConfigError> => {
  const raw = Object.prototype.hasOwnProperty.call(conf, key) ? conf[key] : undefined
  if (raw === undefined) return Effect.succeed(undefined)
  const trimmed = raw.trim()
  const value = trimmed === "" ? NaN : Number(trimmed)
  return Number.isNaN(value)
    ? Effect.fail(
      new InvalidConfigError({
        key,
        value: raw,
        message: `${key} is ${show(raw)}; set it to a number (for example "100") or remove it.`
      })
    )
    : Effect.succeed(value)
}
