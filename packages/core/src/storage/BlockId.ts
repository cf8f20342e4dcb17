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
 * Mirrors `org.apache.spark.storage.BlockId`.
 *
 * **Example**
 * ```ts
 * const id: BlockId.BlockId = BlockId.rdd(3, 1) // id.name === "rdd_3_1"
 * ```
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
 * Mirrors `org.apache.spark.storage.RDDBlockId`.
 *
 * **Example**
 * ```ts
 * BlockId.rdd(3, 1).name // "rdd_3_1"
 * ```
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
 * Mirrors `org.apache.spark.storage.ShuffleBlockId`.
 *
 * **Example**
 * ```ts
 * BlockId.shuffle(0, 2, 1).name // "shuffle_0_2_1"
 * ```
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
 * Mirrors `org.apache.spark.storage.StreamBlockId`.
 *
 * **Example**
 * ```ts
 * BlockId.stream(0, 7).name // "input-0-7"
 * ```
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
 * Mirrors `org.apache.spark.storage.BroadcastBlockId`.
 *
 * **Example**
 * ```ts
 * BlockId.broadcast(4).name // "broadcast_4"
 * ```
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
 * Mirrors `org.apache.spark.storage.TestBlockId`.
 *
 * **Example**
 * ```ts
 * BlockId.test("a").name // "test_a"
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const test = (name: string): BlockId => ({ _tag: "TestBlockId", name: `test_${name}` })

/**
 * Parses a block name back into a `BlockId`; `undefined` when it is not one.
 *
 * Mirrors `org.apache.spark.storage.BlockId.apply`.
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
