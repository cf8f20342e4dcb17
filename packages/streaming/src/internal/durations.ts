import { Duration, Option } from "effect"
import { InvalidStreamError } from "../StreamingError.js"

/** The milliseconds of a duration input (`NaN` when it does not decode): the one decoder of streaming's duration arguments. */
export const inputMillis = (input: Duration.Input): number => {
  const decoded = Duration.fromInput(input)
  return Option.isSome(decoded) ? Duration.toMillis(decoded.value) : Number.NaN
}

/** Milliseconds of a duration input; an error naming the stream and argument when it is not a positive duration. */
export const positiveMillis = (input: Duration.Input, stream: string, name: string): number | InvalidStreamError => {
  const ms = inputMillis(input)
  if (!Number.isFinite(ms) || ms <= 0 || !Number.isInteger(ms)) {
    return new InvalidStreamError({
      stream,
      message: `${name} must be a positive whole number of milliseconds (e.g. "1 second" or 500), got ${String(input)}`
    })
  }
  return ms
}

export const isMultipleOf = (a: number, b: number) => b > 0 && a % b === 0

/**
 * A window's duration and slide in ms (the slide defaults to the parent's),
 * with the error that makes `start` fail when they do not fit the parent.
 * On error the parent's slide stands in, so the stream can still be built.
 */
export const resolveWindow = (stream: string, window: Duration.Input, slide: Duration.Input | undefined, parentSlide: number) => {
  const windowMs = positiveMillis(window, stream, "window duration")
  const slideMs = slide === undefined ? parentSlide : positiveMillis(slide, stream, "slide duration")
  return {
    error: windowError(stream, windowMs, slideMs, parentSlide),
    w: typeof windowMs === "number" ? windowMs : parentSlide,
    s: typeof slideMs === "number" ? slideMs : parentSlide
  }
}

const windowError = (
  stream: string,
  windowMs: number | InvalidStreamError,
  slideMs: number | InvalidStreamError,
  parentSlide: number
): InvalidStreamError | undefined => {
  if (typeof windowMs !== "number") return windowMs
  if (typeof slideMs !== "number") return slideMs
  if (!isMultipleOf(windowMs, parentSlide)) {
    return new InvalidStreamError({
      stream,
      message: `The window duration ${windowMs} ms must be a multiple of the parent stream's slide duration ${parentSlide} ms`
    })
  }
  if (!isMultipleOf(slideMs, parentSlide)) {
    return new InvalidStreamError({
      stream,
      message: `The slide duration ${slideMs} ms must be a multiple of the parent stream's slide duration ${parentSlide} ms`
    })
  }
  return undefined
}

/** One decimal (or `digits`), rounding halves up as Java's `%.1f` does. */
const fixed = (value: number, digits: number) => {
  const scale = 10 ** digits
  return (Math.round(value * scale) / scale).toFixed(digits)
}

/** Spark's `Utils.msDurationToString`: "500 ms", "1.5 s", "2.0 m", "1.25 h". */
export const msDurationToString = (ms: number): string => {
  const second = 1000
  const minute = 60 * second
  const hour = 60 * minute
  if (ms < second) return `${ms} ms`
  if (ms < minute) return `${fixed(ms / second, 1)} s`
  if (ms < hour) return `${fixed(ms / minute, 1)} m`
  return `${fixed(ms / hour, 2)} h`
}
