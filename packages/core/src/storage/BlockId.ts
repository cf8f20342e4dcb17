/**
 * Names of blocks in the BlockManager.
 *
 * Mirrors `org.apache.spark.storage.BlockId` and its subclasses.
 *
 * @since 0.1.0
 */

/**
 * A block's identity. `name` is the canonical string (`rdd_3_1`,
 * `shuffle_0_2_1`, `input-0-7`, `broadcast_4`) and is what stores key by.
 *
 * @category models
 * @since 0.1.0
 */
export type BlockId =
  | { readonly _tag: "RDDBlockId"; readonly name: string; readonly rddId: number; readonly splitIndex: number }
  | {
    readonly _tag: "ShuffleBlockId"
    readonly name: string
    readonly shuffleId: number
    readonly mapId: number
    readonly reduceId: number
  }
  | { readonly _tag: "StreamBlockId"; readonly name: string; readonly streamId: number; readonly uniqueId: number }
  | { readonly _tag: "BroadcastBlockId"; readonly name: string; readonly broadcastId: number }
  | { readonly _tag: "TestBlockId"; readonly name: string }

/**
 * The block of one cached RDD partition.
 *
 * @category constructors
 * @since 0.1.0
 */
export const rdd = (rddId: number, splitIndex: number): BlockId => ({
  _tag: "RDDBlockId",
  name: `rdd_${rddId}_${splitIndex}`,
  rddId,
  splitIndex
})

/**
 * The block one map task wrote for one reduce partition.
 *
 * @category constructors
 * @since 0.1.0
 */
export const shuffle = (shuffleId: number, mapId: number, reduceId: number): BlockId => ({
  _tag: "ShuffleBlockId",
  name: `shuffle_${shuffleId}_${mapId}_${reduceId}`,
  shuffleId,
  mapId,
  reduceId
})

/**
 * A block of records received by a streaming receiver.
 *
 * @category constructors
 * @since 0.1.0
 */
export const stream = (streamId: number, uniqueId: number): BlockId => ({
  _tag: "StreamBlockId",
  name: `input-${streamId}-${uniqueId}`,
  streamId,
  uniqueId
})

/**
 * The block holding a broadcast variable's value.
 *
 * @category constructors
 * @since 0.1.0
 */
export const broadcast = (broadcastId: number): BlockId => ({
  _tag: "BroadcastBlockId",
  name: `broadcast_${broadcastId}`,
  broadcastId
})

/**
 * A free-form block, for tests.
 *
 * @category constructors
 * @since 0.1.0
 */
export const test = (name: string): BlockId => ({ _tag: "TestBlockId", name: `test_${name}` })

/**
 * Parses a block name back into a `BlockId`; `undefined` when it is not one.
 *
 * **Example**
 * ```ts
 * BlockId.parse("rdd_3_1") // { _tag: "RDDBlockId", rddId: 3, splitIndex: 1, ... }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const parse = (name: string): BlockId | undefined => {
  let m = /^rdd_(\d+)_(\d+)$/.exec(name)
  if (m) return rdd(Number(m[1]), Number(m[2]))
  m = /^shuffle_(\d+)_(\d+)_(\d+)$/.exec(name)
  if (m) return shuffle(Number(m[1]), Number(m[2]), Number(m[3]))
  m = /^input-(\d+)-(\d+)$/.exec(name)
  if (m) return stream(Number(m[1]), Number(m[2]))
  m = /^broadcast_(\d+)$/.exec(name)
  if (m) return broadcast(Number(m[1]))
  m = /^test_(.+)$/.exec(name)
  if (m) return test(m[1]!)
  return undefined
}
