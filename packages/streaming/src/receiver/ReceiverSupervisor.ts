/**
 * Runs one receiver on an executor: registers it with the driver's
 * ReceiverTracker, feeds its records through a BlockGenerator into the
 * BlockManager, reports every stored block, restarts the receiver after
 * errors, and stops it for good without losing what was stored.
 *
 * Mirrors `org.apache.spark.streaming.receiver.ReceiverSupervisor` and
 * `ReceiverSupervisorImpl`.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import * as internal from "../internal/receiverSupervisor.js"
import type { ReceiverTrackerLink } from "../internal/receiverMessages.js"
import type { ReceivedBlockHandler } from "./ReceivedBlockHandler.js"
import type { BlockStore } from "./ReceivedBlockHandler.js"
import type { Receiver } from "./Receiver.js"
import type { ReceiverConfigError, ReceiverWriteAheadLogError } from "./ReceiverError.js"

/**
 * What a supervisor needs: the link to the tracker, the executor's block
 * manager, the receiver settings (`spark.streaming.blockInterval`,
 * `spark.streaming.blockQueueSize`, `spark.streaming.receiverRestartDelay`,
 * `spark.streaming.receiver.maxRate`, `spark.streaming.backpressure.initialRate`),
 * where it runs and the stream it feeds. With
 * `spark.streaming.receiver.writeAheadLog.enable`, blocks also go to the
 * stream's write-ahead log under `checkpointDir` (the streaming context's
 * checkpoint directory, which the launch path carries to the executor);
 * `handler` replaces either handler (a test double).
 *
 * Mirrors the constructor parameters of `ReceiverSupervisorImpl`.
 *
 * **Example**
 * ```ts
 * const options: ReceiverSupervisor.SupervisorOptions = {
 *   link, blockManager: ctx.env.blockManager, conf: {}, executorId: "1", host: "localhost", streamId: 0
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface SupervisorOptions {
  readonly link: ReceiverTrackerLink
  readonly blockManager: BlockStore
  readonly conf: Readonly<Record<string, string>>
  readonly executorId: string
  readonly host: string
  readonly streamId: number
  readonly checkpointDir?: string
  readonly handler?: ReceivedBlockHandler
}

/**
 * Supervises `receiver` until it is stopped for good; the Effect then ends.
 *
 * 1. Asks the tracker `RegisterReceiver`; refused (or unreachable): the
 *    receiver is marked stopped and the Effect ends without starting it.
 * 2. Starts the block generator, then `onStart` (a throw or rejection
 *    restarts it after the restart delay).
 * 3. `restart(message, error, delay)`: `onStop`, `ReportError`, wait `delay`
 *    on the Clock (a `stop` meanwhile ends the wait), `onStart` again.
 *    Blocks already stored keep flowing meanwhile; `store` is refused until
 *    the receiver is started again.
 * 4. `stop(message, error)` or the driver's `StopReceiver`: `onStop`, a
 *    graceful block generator stop (every stored record is pushed and
 *    reported), `DeregisterReceiver`. Interrupting the Effect does the same.
 *
 * Each block is stored with the handler (with the write-ahead log on: in
 * the log and the BlockManager, the log's write durable), then reported
 * with an `AddBlock` ask carrying its log record handle; a failure is
 * reported (`ReportError`) and logged, and `store` fails with it. The block
 * generator's blocks are stored up to four at a time (their log writes
 * overlap) and reported one at a time, in order; `store(records)` and
 * `store(bytes)` store and report their block before they resolve. `UpdateRateLimit`
 * sets the block generator's rate; `CleanupOldBlocks` goes to the handler.
 * Fails, before anything starts, with `ReceiverConfigError` for invalid
 * settings (the write-ahead log on without `checkpointDir`), or with
 * `ReceiverWriteAheadLogError` when the log cannot be opened.
 *
 * Mirrors `ReceiverSupervisor.start`/`stop`/`restartReceiver`.
 *
 * **Example**
 * ```ts
 * yield* ReceiverSupervisor.run(receiver, options) // ends when the receiver stops for good
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const run: <T>(
  receiver: Receiver<T>,
  options: SupervisorOptions
) => Effect.Effect<void, ReceiverConfigError | ReceiverWriteAheadLogError> = internal.run
