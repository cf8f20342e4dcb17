import { Duration, Option } from "effect"
import { InvalidStreamError } from "../StreamingError.js"

/** Milliseconds of a duration input; an error naming the stream and argument when it is not a positive duration. */
export const positiveMillis = (input: Duration.Input, stream: string, name: string): number | InvalidStreamError => {
  const decoded = Duration.fromInput(input)
  const ms = Option.isSome(decoded) ? Duration.toMillis(decoded.value) : Number.NaN
  if (!Number.isFinite(ms) || ms <= 0 || !Number.isInteger(ms)) {
    return new InvalidStreamError({
      stream,
      message: `${name} must be a positive whole number of milliseconds (e.g. "1 second" or 500), got ${String(input)}`
    })
  }
  return ms
}

export const isMultipleOf = (a: number, b: number) => b > 0 && a % b === 0
