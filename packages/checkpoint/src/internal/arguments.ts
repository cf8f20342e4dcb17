/**
 * Argument checks shared by the write-ahead logs and the checkpoint writer.
 * They run before anything touches the disk, so a rejected call creates no
 * file and changes no state. Each check returns `undefined` when the argument
 * is valid (no allocation on the hot path) or the error to fail with.
 */
import { InvalidArgumentError } from "../Errors.js"

/**
 * The largest time (milliseconds) a log or checkpoint accepts: 2^52, about
 * 142,000 years after the epoch. Kept below `Number.MAX_SAFE_INTEGER` so a
 * segment end (`start + rollingIntervalMillis`, both at most 2^52) is still an
 * exact integer, and far below 1e21 so file names never use exponent notation.
 */
export const MAX_TIME = 2 ** 52

export const TIME_EXPECTED = `an integer number of milliseconds between 0 and ${MAX_TIME}`
export const BYTES_EXPECTED = "bytes (a Uint8Array or Buffer)"

/** A short description of a value's type (and of the value when it is small), for error messages. */
export const describe = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return `an array of length ${value.length}`
  switch (typeof value) {
    case "number":
      return `the number ${String(value)}`
    case "string":
      return value.length <= 32 ? `the string ${JSON.stringify(value)}` : `a string of length ${value.length}`
    case "bigint":
      return `the bigint ${String(value)}n`
    case "object": {
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name
      return typeof name === "string" && name.length > 0 ? `an object of class ${name}` : "an object"
    }
    default:
      return typeof value
  }
}

/** Is `time` a valid log/checkpoint time: an integer in [0, MAX_TIME]? */
export const isTime = (time: unknown): time is number => Number.isInteger(time) && (time as number) >= 0 && (time as number) <= MAX_TIME

export const checkTime = (operation: string, argument: string, time: unknown): InvalidArgumentError | undefined =>
  isTime(time) ? undefined : new InvalidArgumentError({ operation, argument, expected: TIME_EXPECTED, received: describe(time) })

export const checkBytes = (operation: string, argument: string, value: unknown): InvalidArgumentError | undefined =>
  value instanceof Uint8Array
    ? undefined
    : new InvalidArgumentError({ operation, argument, expected: BYTES_EXPECTED, received: describe(value) })

/** Checks a list of records: an array whose every element is bytes. */
export const checkRecords = (operation: string, records: unknown): InvalidArgumentError | undefined => {
  if (!Array.isArray(records)) {
    return new InvalidArgumentError({
      operation,
      argument: "records",
      expected: `an array of ${BYTES_EXPECTED}`,
      received: describe(records)
    })
  }
  for (let i = 0; i < records.length; i++) {
    if (!(records[i] instanceof Uint8Array)) return checkBytes(operation, `records[${i}]`, records[i])
  }
  return undefined
}

export const checkBoolean = (operation: string, argument: string, value: unknown): InvalidArgumentError | undefined =>
  typeof value === "boolean"
    ? undefined
    : new InvalidArgumentError({ operation, argument, expected: "a boolean", received: describe(value) })

/** A file name inside a directory: non-empty, no path separator, not `.` or `..`. */
export const checkFileName = (operation: string, argument: string, value: unknown): InvalidArgumentError | undefined =>
  typeof value === "string" && value.length > 0 && value !== "." && value !== ".." && !/[/\\\0]/.test(value)
    ? undefined
    : new InvalidArgumentError({
      operation,
      argument,
      expected: "a file name (non-empty, without / or \\, not . or ..)",
      received: describe(value)
    })
