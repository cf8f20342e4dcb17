// Unique ids of received blocks. Spark names them input-<streamId>-<n> with n
// from System.currentTimeMillis (the block's time, or a counter starting at
// the supervisor's start time). Here every supervisor run draws a random
// 52-bit base and counts up from it: two runs of a receiver (a restart on the
// same executor, or a relaunch on another) collide only if their ranges of
// 2^52 overlap, which for millions of blocks per run is below one in a
// billion. The ids stay safe integers (base + count < 2^53).
import { BlockId } from "@tspark/core"
import * as crypto from "node:crypto"

export const randomBase = (): number => crypto.randomInt(2 ** 26) * 2 ** 26 + crypto.randomInt(2 ** 26)

/** A source of block ids for one stream, counting up from a random base. */
export const makeBlockIdSource = (streamId: number, base: number = randomBase()): () => BlockId.BlockId => {
  let next = base
  return () => BlockId.stream(streamId, next++)
}
