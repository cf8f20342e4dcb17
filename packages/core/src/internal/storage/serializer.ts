// Binary serialization of partitions and blocks: V8's structured-clone format
// (compact, handles bigint, Map, Set, typed arrays), never JSON text. A block
// may also be a line block (storage/LineBlock.ts), which a receiver of lines
// stores as it read it; the first byte tells the two apart.
import * as v8 from "node:v8"
import * as LineBlock from "../../storage/LineBlock.js"
import { ArrayIterator } from "../rdd/iterators.js"

export const serialize = (values: unknown): Buffer => v8.serialize(values)

export const deserialize = <A>(bytes: Uint8Array): A =>
  (LineBlock.isLineBlock(bytes) ? LineBlock.decode(bytes) : v8.deserialize(bytes)) as A

/** A block's records one at a time: a line block streams (never all its lines at once), V8's form is read whole. */
export const deserializeIterator = <A>(bytes: Uint8Array): Iterator<A> =>
  (LineBlock.isLineBlock(bytes) ? LineBlock.iterate(bytes) : new ArrayIterator(v8.deserialize(bytes) as Array<A>)) as Iterator<A>
