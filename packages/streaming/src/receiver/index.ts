/**
 * Spark's `org.apache.spark.streaming.receiver` package: the `Receiver` base
 * class, the `BlockGenerator`, the `ReceivedBlockHandler`, the
 * `ReceiverSupervisor`, and the socket receivers. Published as
 * `@tspark/streaming/receiver`, the module built-in receivers name for
 * shipping.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as BlockGenerator from "./BlockGenerator.js"
/** @since 0.1.0 */
export * as ReceivedBlockHandler from "./ReceivedBlockHandler.js"
/** @since 0.1.0 */
export { Receiver } from "./Receiver.js"
/** @since 0.1.0 */
export * as ReceiverError from "./ReceiverError.js"
/** @since 0.1.0 */
export * as ReceiverSupervisor from "./ReceiverSupervisor.js"
/** @since 0.1.0 */
export { lineConverter, SocketReceiver, socketTextReceiver, SocketTextReceiver } from "./SocketReceiver.js"
/** @since 0.1.0 */
export { RawNetworkReceiver } from "./RawNetworkReceiver.js"
/** @since 0.1.0 */
export * from "./ReceiverTask.js"
