/**
 * The DStreams, one module per Spark DStream family.
 *
 * Mirrors the package `org.apache.spark.streaming.dstream`.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as ConstantInputDStream from "./ConstantInputDStream.js"
/** @since 0.1.0 */
export * as DirectInputDStream from "./DirectInputDStream.js"
/** @since 0.1.0 */
export * as DirectSource from "./DirectSource.js"
/** @since 0.1.0 */
export * as DStream from "./DStream.js"
/** @since 0.1.0 */
export * as FileInputDStream from "./FileInputDStream.js"
/** @since 0.1.0 */
export * as ForEachDStream from "./ForEachDStream.js"
/** @since 0.1.0 */
export * as InputDStream from "./InputDStream.js"
/** @since 0.1.0 */
export * as MappedDStream from "./MappedDStream.js"
/** @since 0.1.0 */
export * as MapWithStateDStream from "./MapWithStateDStream.js"
/** @since 0.1.0 */
export * as OffsetRange from "./OffsetRange.js"
/** @since 0.1.0 */
export * as PairDStreamFunctions from "./PairDStreamFunctions.js"
/** @since 0.1.0 */
export * as QueueInputDStream from "./QueueInputDStream.js"
/** @since 0.1.0 */
export * as RawInputDStream from "./RawInputDStream.js"
/** @since 0.1.0 */
export * as ReceiverInputDStream from "./ReceiverInputDStream.js"
/** @since 0.1.0 */
export * as ReducedWindowedDStream from "./ReducedWindowedDStream.js"
/** @since 0.1.0 */
export * as ShuffledDStream from "./ShuffledDStream.js"
/** @since 0.1.0 */
export * as SocketInputDStream from "./SocketInputDStream.js"
/** @since 0.1.0 */
export * as State from "./State.js"
/** @since 0.1.0 */
export * as StateDStream from "./StateDStream.js"
/** @since 0.1.0 */
export * as StateSpec from "./StateSpec.js"
/** @since 0.1.0 */
export * as TransformedDStream from "./TransformedDStream.js"
/** @since 0.1.0 */
export * as UnionDStream from "./UnionDStream.js"
/** @since 0.1.0 */
export * as WindowedDStream from "./WindowedDStream.js"
