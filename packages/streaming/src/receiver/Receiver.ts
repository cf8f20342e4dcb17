/**
 * The base class of every receiver: user code that runs on an executor,
 * reads from a source and hands records to Spark with `store`.
 *
 * Mirrors `org.apache.spark.streaming.receiver.Receiver`.
 *
 * @since 0.1.0
 */
import { StorageLevel } from "@tspark/core"
import type { Effect } from "effect"
import { supervisorOf } from "../internal/receiverState.js"
import { ReceiverStoppedError, StoreArgumentError } from "./ReceiverError.js"

const notRunning = (receiver: Receiver<unknown>): Promise<never> =>
  Promise.reject(
    new ReceiverStoppedError({
      streamId: receiver.streamId,
      message: `${receiver.constructor.name} has not been started by a ReceiverSupervisor: store may only be called ` +
        `between onStart and onStop, on a receiver started through receiverStream`
    })
  )

/**
 * A receiver: implement `onStart` (start reading; return quickly, reading in
 * the background) and `onStop` (release what `onStart` opened), and call
 * `store` for what you read.
 *
 * - `store(record)` goes through the `BlockGenerator`: the Promise resolves
 *   when the record is accepted, which waits for the rate limiter; awaiting it
 *   is how backpressure reaches the source.
 * - `store(records, metadata?)` and `store(bytes, metadata?)` make a block at
 *   once (Spark's `pushArrayBuffer`/`pushBytes`); the Promise resolves once the
 *   block is stored and the driver acknowledged it (the point where a reliable
 *   receiver may acknowledge its source). With the receiver write-ahead log
 *   on (`spark.streaming.receiver.writeAheadLog.enable`), "stored" includes
 *   the log: the Promise resolves only after the block's log write is
 *   durable, so a block acknowledged to the source survives a crash of the
 *   executor and the driver; a failed write rejects it. Bytes must be a
 *   serialized block: `v8.serialize` of an array of records, or a `LineBlock`.
 * - `store(record)`, `storeMany` and `storeLines` go through the block
 *   generator: they resolve when the data is accepted into the current
 *   block, before it is stored (as Spark's `store(item)`), so they are for
 *   sources that need no acknowledgement.
 * - `storeLines(bytes)`, for a receiver of strings: lines as UTF-8 bytes of
 *   whole lines, stored without decoding them (the fast path of a line
 *   protocol; see `storeLines`).
 * - `storeRecord`, `storeRecords`, `storeBytes` say which one you mean when
 *   `T` is itself an array or a `Uint8Array`.
 * - `store` on a stopped receiver rejects with `ReceiverStoppedError`.
 * - `restart(message, error?, delayMs?)` stops the receiver (`onStop`),
 *   reports the error to the driver and starts it again after `delayMs`
 *   (default `spark.streaming.receiverRestartDelay`, 2 s); `stop` stops it for
 *   good. Both return at once: the supervisor does the work.
 *
 * **Shipping.** A receiver runs on an executor, maybe in another thread or
 * process. It travels as its module, its export name and its own enumerable
 * fields; the executor imports the module and rebuilds the object without
 * calling the constructor (as Java deserialization does). So a receiver class
 * says where it is exported with `static readonly module = import.meta.url`
 * (or a package specifier) and, when the export name is not the class name,
 * `static readonly exportName`. Its fields must be data (structured-clone
 * serializable) or shippable functions (no captured variables, or built with
 * `Closure.withEnv`); keep runtime state such as sockets off the object's own
 * enumerable fields (a `WeakMap`, or fields created in `onStart`). A receiver
 * that breaks these rules is refused when the streaming context starts, with
 * a message that says what to change. The built-in receivers use
 * `module = "@tspark/streaming/receiver"`.
 *
 * Mirrors `org.apache.spark.streaming.receiver.Receiver`.
 *
 * **Example**
 * ```ts
 * export class CountingReceiver extends Receiver<number> {
 *   static readonly module = import.meta.url
 *   constructor(readonly upTo: number) {
 *     super(StorageLevel.MEMORY_ONLY)
 *   }
 *   onStart() {
 *     void (async () => {
 *       for (let i = 0; i < this.upTo && !this.isStopped(); i++) await this.store(i)
 *     })().catch((e) => this.restart("counting failed", e))
 *   }
 *   onStop() {}
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export abstract class Receiver<T> {
  /** Where received blocks are stored (default MEMORY_AND_DISK_SER_2). */
  readonly storageLevel: StorageLevel.StorageLevel

  constructor(storageLevel: StorageLevel.StorageLevel = StorageLevel.MEMORY_AND_DISK_SER_2) {
    this.storageLevel = storageLevel
  }

  /** Starts receiving: open connections, start background reading. Must return quickly. */
  abstract onStart(): void | Promise<void>

  /** Stops receiving: close what `onStart` opened. */
  abstract onStop(): void | Promise<void>

  /**
   * Where the receiver should run: a host, or `executor_<host>_<executorId>`;
   * `undefined` (the default) lets the scheduling policy choose.
   */
  get preferredLocation(): string | undefined {
    return undefined
  }

  /** The id of the input stream this receiver feeds; -1 before a supervisor runs it. */
  get streamId(): number {
    return supervisorOf(this)?.streamId ?? -1
  }

  /** Stores one record (rate-limited), a block of records, or a block of serialized bytes. */
  store(record: T): Promise<void>
  store(records: ReadonlyArray<T>, metadata?: unknown): Promise<void>
  store(bytes: Uint8Array, metadata?: unknown): Promise<void>
  store(data: T | ReadonlyArray<T> | Uint8Array, metadata?: unknown): Promise<void> {
    if (Array.isArray(data)) return this.storeRecords(data as ReadonlyArray<T>, metadata)
    if (data instanceof Uint8Array) return this.storeBytes(data, metadata)
    return this.storeRecord(data as T)
  }

  /** Stores one record through the block generator; resolves when accepted (after the rate limiter). */
  storeRecord(record: T): Promise<void> {
    const supervisor = supervisorOf(this)
    return supervisor === undefined ? notRunning(this) : supervisor.pushSingle(record)
  }

  /**
   * Stores several records through the block generator, as `store(record)`
   * for each would: they join the current block, behind one rate-limiter
   * step for all. Resolves when all are accepted. The fast path for a
   * receiver that reads records in runs (a socket's chunk of lines): one
   * Promise per run, not per record.
   */
  storeMany(records: ReadonlyArray<T>): Promise<void> {
    const supervisor = supervisorOf(this)
    return supervisor === undefined ? notRunning(this) : supervisor.pushMultiple(records)
  }

  /**
   * Stores the lines in `bytes` as string records, through the block
   * generator like `storeMany`: `bytes` is UTF-8 text of whole lines, each
   * ended by `\n` (a `\r` before it is dropped), rate-limited by its line
   * count. The lines stay bytes until a task reads their block (a
   * `LineBlock`, decoded in one pass), so a line receiver neither decodes
   * nor keeps millions of small strings while a batch fills. Rejects with
   * `StoreArgumentError` when `bytes` does not end with a newline (keep a
   * partial line until its newline arrives). Resolves when the lines are
   * accepted into the current block, not when that block is stored: a
   * reliable receiver acknowledges lines after `store(bytes)` of a
   * `LineBlock` instead.
   */
  storeLines(bytes: Uint8Array): Promise<void> {
    const supervisor = supervisorOf(this)
    if (supervisor === undefined) return notRunning(this)
    if (!(bytes instanceof Uint8Array) || (bytes.byteLength > 0 && bytes[bytes.byteLength - 1] !== 10)) {
      return Promise.reject(
        new StoreArgumentError({
          streamId: this.streamId,
          method: "storeLines",
          message: bytes instanceof Uint8Array
            ? `storeLines takes whole lines: the bytes must end with a newline; keep a partial line for the next call`
            : `storeLines takes a Uint8Array of UTF-8 lines, got ${typeof bytes}`
        })
      )
    }
    return supervisor.pushLines(bytes) ?? Promise.resolve()
  }

  /**
   * Stores records as one block now; resolves when stored (with the
   * write-ahead log on, its log write durable) and acknowledged by the driver.
   */
  storeRecords(records: ReadonlyArray<T>, metadata?: unknown): Promise<void> {
    const supervisor = supervisorOf(this)
    return supervisor === undefined ? notRunning(this) : supervisor.pushArray(records, metadata)
  }

  /**
   * Stores serialized bytes (`v8.serialize(records)` or a `LineBlock`) as one
   * block now; resolves when stored (with the write-ahead log on, its log
   * write durable) and acknowledged by the driver.
   */
  storeBytes(bytes: Uint8Array, metadata?: unknown): Promise<void> {
    const supervisor = supervisorOf(this)
    return supervisor === undefined ? notRunning(this) : supervisor.pushBytes(bytes, metadata)
  }

  /** Restarts the receiver after `delayMs` (default `spark.streaming.receiverRestartDelay`), reporting the error. */
  restart(message: string, error?: unknown, delayMs?: number): void {
    supervisorOf(this)?.restart(message, error, delayMs)
  }

  /** Stops the receiver for good; everything already stored is still pushed. */
  stop(message: string, error?: unknown): void {
    supervisorOf(this)?.stop(message, error)
  }

  /** Reports a non-fatal error to the driver (listeners hear onReceiverError). */
  reportError(message: string, error: unknown): void {
    supervisorOf(this)?.reportError(message, error)
  }

  /** Whether the receiver has been started and not stopped. */
  isStarted(): boolean {
    return supervisorOf(this)?.isReceiverStarted() ?? false
  }

  /** Whether the receiver is stopped (for good, or while it restarts). */
  isStopped(): boolean {
    return supervisorOf(this)?.isReceiverStopped() ?? false
  }

  /**
   * Makes `generator`, a `BlockGenerator` this receiver keeps itself (to
   * store its blocks with `store(records)` and act once they are stored, as
   * a reliable receiver does), follow the rate limits the driver sets for
   * this receiver (backpressure), as the supervisor's own generator does; it
   * starts at the latest one. Call it in `onStart`, and the function it
   * returns in `onStop`. Outside a running receiver it does nothing.
   *
   * Mirrors `ReceiverSupervisor.createBlockGenerator(listener)`, whose generators follow `updateRate`.
   */
  followRateUpdates(generator: { readonly updateRate: (elementsPerSecond: number) => Effect.Effect<void, unknown> }): () => void {
    return supervisorOf(this)?.followRate(generator) ?? (() => undefined)
  }
}
