/**
 * An input stream fed by a receiver running on an executor: each batch is a
 * `BlockRDD` over the blocks the receiver stored since the last batch (an
 * empty RDD when there are none), and its record count goes to the
 * `InputInfoTracker`, which the rate controller estimates from. When every
 * block of the batch has a write-ahead log record (the receiver
 * write-ahead log is on), the batch is a `WriteAheadLogBackedBlockRDD`
 * instead, which reads a block no executor holds from the log: no block is
 * left out as missing.
 *
 * Mirrors `org.apache.spark.streaming.dstream.ReceiverInputDStream`.
 *
 * @since 0.1.0
 */
import { BlockId, type RDD as RDDModule } from "@tspark/core"
import { BlockRDD } from "@tspark/core/rdd"
import { Effect } from "effect"
import type { StreamingContextLike } from "../internal/context.js"
import * as WriteAheadLogBackedBlockRDD from "../rdd/WriteAheadLogBackedBlockRDD.js"
import type { Receiver } from "../receiver/Receiver.js"
import type { InvalidStreamError } from "../StreamingError.js"
import { DStream } from "./DStream.js"

/**
 * A receiver input stream. `inputStreamId` is the stream id its receiver
 * stores blocks under and listeners see.
 *
 * **Example**
 * ```ts
 * const lines = ReceiverInputDStream.make(ssc, new MyReceiver())
 * lines.count().print()
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class ReceiverInputDStream<T> extends DStream<T> {
  /** @internal */
  constructor(
    ssc: StreamingContextLike,
    readonly receiver: Receiver<T>,
    readonly inputStreamId: number,
    name: string,
    error?: InvalidStreamError
  ) {
    super(ssc, { name, dependencies: [], compute: (time) => computeBatch(this, time), error })
  }
}

/** Mirrors `ReceiverInputDStream.compute` and `createBlockRDD`. */
const computeBatch = <T>(stream: ReceiverInputDStream<T>, time: number): RDDModule.RDD<T> => {
  const ssc = stream.context
  const sc = ssc.sparkContext
  const tracker = ssc.receiverTracker()
  const zeroTime = stream.zeroTime ?? 0
  const blocks = time <= zeroTime || tracker === undefined ? [] : tracker.getBlocksOfBatchAndStream(time, stream.inputStreamId)
  let numRecords = 0
  for (const block of blocks) numRecords += block.numRecords ?? 0
  const rateLimit = tracker?.rateLimitOf(stream.inputStreamId)
  ssc.inputInfoTracker.reportInfo(time, {
    inputStreamId: stream.inputStreamId,
    numRecords,
    metadata: { blocks: blocks.length, ...(rateLimit === undefined ? {} : { rateLimit }) }
  })
  if (blocks.length === 0) return sc.emptyRDD<T>()
  const logged = WriteAheadLogBackedBlockRDD.fromBlockInfos<T>(sc, blocks)
  if (logged !== undefined) return logged
  const master = sc.blockManagerMaster
  const ids = blocks.map((block) => BlockId.parse(block.blockId)!)
  const valid = ids.filter((id) => master.getLocations(id).length > 0)
  if (valid.length !== ids.length) {
    Effect.runFork(Effect.logWarning(
      `Some blocks of stream ${stream.inputStreamId} for batch ${time} could not be found on any executor ` +
        `(${ids.length - valid.length} of ${ids.length}); the batch proceeds without them. ` +
        "Store received data with a replicated storage level (the default, _2) to survive executor loss."
    ))
  }
  return BlockRDD.make<T>(sc, valid)
}

/**
 * Creates a receiver stream and adds it to the graph (`ssc.receiverStream`).
 *
 * **Example**
 * ```ts
 * const stream = ReceiverInputDStream.make(ssc, new MyReceiver())
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(
  ssc: StreamingContextLike,
  receiver: Receiver<T>,
  name = "ReceiverInputDStream",
  error?: InvalidStreamError
): ReceiverInputDStream<T> => {
  const stream = new ReceiverInputDStream(ssc, receiver, ssc.newInputStreamId(), name, error)
  ssc.addInputStream(stream as DStream<unknown>)
  return stream
}

/**
 * Whether an input stream is fed by a receiver.
 *
 * @category guards
 * @since 0.1.0
 */
export const isReceiverInputDStream = (stream: DStream<unknown>): stream is ReceiverInputDStream<unknown> =>
  stream instanceof ReceiverInputDStream
