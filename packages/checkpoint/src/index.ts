/**
 * @tspark/checkpoint: write-ahead logs and checkpoint files that survive crashes.
 *
 * @since 0.1.0
 */

/**
 * The package's version.
 *
 * @category models
 * @since 0.1.0
 */
export const version = "0.1.0"

/**
 * @since 0.1.0
 */
export * as Errors from "./Errors.js"

/**
 * @since 0.1.0
 */
export * as FileSystem from "./FileSystem.js"

/**
 * @since 0.1.0
 */
export * as Serializer from "./Serializer.js"

/**
 * @since 0.1.0
 */
export * as WriteAheadLog from "./WriteAheadLog.js"

/**
 * @since 0.1.0
 */
export * as FileWriteAheadLog from "./FileWriteAheadLog.js"

/**
 * @since 0.1.0
 */
export * as BatchedWriteAheadLog from "./BatchedWriteAheadLog.js"

/**
 * @since 0.1.0
 */
export * as CheckpointFile from "./CheckpointFile.js"

/**
 * @since 0.1.0
 */
export * as CheckpointWriter from "./CheckpointWriter.js"

/**
 * @since 0.1.0
 */
export * as CheckpointReader from "./CheckpointReader.js"
