// Binary serialization of partitions and blocks: V8's structured-clone format
// (compact, handles bigint, Map, Set, typed arrays), never JSON text.
import * as v8 from "node:v8"

export const serialize = (values: unknown): Buffer => v8.serialize(values)

export const deserialize = <A>(bytes: Uint8Array): A => v8.deserialize(bytes) as A
