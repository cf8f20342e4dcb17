/**
 * The seam between typed values and the bytes the logs and checkpoints store.
 *
 * @since 0.1.0
 */
import { Data, Effect } from "effect"

/**
 * A value could not be encoded or decoded.
 *
 * Mirrors the `SerializationException`s of Spark's `Serializer`.
 *
 * **Example**
 * ```ts
 * const error = new Serializer.SerializationError({ direction: "decode", detail: "Unexpected token" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class SerializationError extends Data.TaggedError("SerializationError")<{
  readonly direction: "encode" | "decode"
  readonly detail: string
}> {
  override get message(): string {
    return `Could not ${this.direction} a value: ${this.detail}. ` +
      `Use a serializer that matches what was written, or make the value serializable.`
  }
}

/**
 * Encodes values to bytes and back.
 *
 * Mirrors `org.apache.spark.serializer.SerializerInstance`.
 *
 * **Example**
 * ```ts
 * const s: Serializer.Serializer<string> = Serializer.utf8
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Serializer<A> {
  readonly encode: (value: A) => Effect.Effect<Uint8Array, SerializationError>
  readonly decode: (bytes: Uint8Array) => Effect.Effect<A, SerializationError>
}

/**
 * Bytes as they are.
 *
 * Mirrors Spark storing raw `ByteBuffer`s.
 *
 * **Example**
 * ```ts
 * const s = Serializer.bytes
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const bytes: Serializer<Uint8Array> = {
  encode: Effect.succeed,
  decode: Effect.succeed
}

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Strings as UTF-8.
 *
 * Mirrors Spark's `StringSerializer` use in tests.
 *
 * **Example**
 * ```ts
 * const s = Serializer.utf8
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const utf8: Serializer<string> = {
  encode: (value) => Effect.succeed(encoder.encode(value)),
  decode: (bytes) =>
    Effect.try({
      try: () => decoder.decode(bytes),
      catch: (e) => new SerializationError({ direction: "decode", detail: String(e) })
    })
}

/**
 * JSON values as UTF-8 JSON text.
 *
 * Mirrors Spark's `JavaSerializer` as the default "just works" serializer.
 *
 * **Example**
 * ```ts
 * const s = Serializer.json<{ blockId: string }>()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const json = <A>(): Serializer<A> => ({
  encode: (value) =>
    Effect.try({
      try: () => encoder.encode(JSON.stringify(value)),
      catch: (e) => new SerializationError({ direction: "encode", detail: String(e) })
    }),
  decode: (bytes) =>
    Effect.try({
      try: () => JSON.parse(decoder.decode(bytes)) as A,
      catch: (e) => new SerializationError({ direction: "decode", detail: String(e) })
    })
})
