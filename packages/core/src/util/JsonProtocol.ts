/**
 * Listener events to JSON and back: one JSON object per event, named in an
 * `"Event"` field as Spark names it (`"SparkListenerJobStart"`, ...), with
 * Spark's field names. An event log is one such object per line after a
 * first line `{"Event":"SparkListenerLogStart","Spark Version":...,"Format Version":1}`
 * that says which format the rest is in. Decoding checks every field and
 * fails with an `EventLogFormatError` naming the file, the line and the field.
 *
 * Mirrors `org.apache.spark.util.JsonProtocol`.
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import { eventFromJson, eventToJson } from "../internal/eventlog/eventCodec.js"
import { FieldError, Fields, type JsonObject } from "../internal/eventlog/jsonFields.js"
import { tsparkVersion } from "../internal/version.js"
import type { SparkListenerEvent } from "../scheduler/SparkListener.js"

/**
 * The format this module writes and reads; a log of another version is refused.
 *
 * @category constants
 * @since 0.1.0
 */
export const FORMAT_VERSION = 1

/**
 * The first line of an event log: Spark's `SparkListenerLogStart` with the format version.
 *
 * Mirrors `SparkListenerLogStart`.
 *
 * **Example**
 * ```ts
 * JsonProtocol.logStart["Format Version"] // 1
 * ```
 *
 * @category constants
 * @since 0.1.0
 */
export const logStart: { readonly "Event": "SparkListenerLogStart"; readonly "Spark Version": string; readonly "Format Version": number } =
  {
    "Event": "SparkListenerLogStart",
    "Spark Version": tsparkVersion,
    "Format Version": FORMAT_VERSION
  }

/**
 * A line of an event log is not a valid event: not JSON, an unknown event,
 * a missing or mistyped field, or a format version this reader does not know.
 *
 * **Example**
 * ```ts
 * const error = new JsonProtocol.EventLogFormatError({ file: "/tmp/spark-events/app-1", line: 3, message: "not JSON" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class EventLogFormatError extends Data.TaggedError("EventLogFormatError")<{
  readonly file: string
  readonly line: number
  readonly message: string
}> {}

/**
 * The JSON object of an event.
 *
 * Mirrors `JsonProtocol.sparkEventToJson`.
 *
 * **Example**
 * ```ts
 * JsonProtocol.sparkEventToJson({ _tag: "ApplicationEnd", time: 5 }) // { Event: "SparkListenerApplicationEnd", Timestamp: 5 }
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const sparkEventToJson = (event: SparkListenerEvent): JsonObject => eventToJson(event)

/**
 * The event of a JSON object, or why it is not one (the first bad field, by its path).
 *
 * Mirrors `JsonProtocol.sparkEventFromJson`.
 *
 * **Example**
 * ```ts
 * JsonProtocol.sparkEventFromJson({ Event: "SparkListenerApplicationEnd", Timestamp: 5 }) // { _tag: "ApplicationEnd", time: 5 }
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const sparkEventFromJson = (json: unknown): SparkListenerEvent | { readonly error: string } => {
  try {
    return eventFromJson(json)
  } catch (error) {
    if (error instanceof FieldError) return { error: error.message }
    throw error
  }
}

/**
 * One line of an event log in `file` (line numbers from 1): the event, `"LogStart"`
 * for a valid first line, or an `EventLogFormatError` naming the file, the line and what is wrong.
 *
 * Mirrors how `ReplayListenerBus.replay` parses each line.
 *
 * **Example**
 * ```ts
 * JsonProtocol.parseLine('{"Event":"SparkListenerApplicationEnd","Timestamp":5}', "app-1", 2)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const parseLine = (text: string, file: string, line: number): SparkListenerEvent | "LogStart" | EventLogFormatError => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return new EventLogFormatError({ file, line, message: `${file}:${line}: not a JSON line (${(error as Error).message})` })
  }
  try {
    const fields = Fields.of(json, "")
    if (fields.value["Event"] === "SparkListenerLogStart") {
      const version = fields.num("Format Version")
      if (version !== FORMAT_VERSION) {
        return new EventLogFormatError({
          file,
          line,
          message: `${file}:${line}: event log format version ${version}, this reader knows ${FORMAT_VERSION}`
        })
      }
      return "LogStart"
    }
    return eventFromJson(json)
  } catch (error) {
    if (error instanceof FieldError) return new EventLogFormatError({ file, line, message: `${file}:${line}: ${error.message}` })
    throw error
  }
}
