/**
 * Spark's `org.apache.spark.storage` package: block ids, storage levels, the
 * block manager, its master and the block transfer service.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as BlockId from "./BlockId.js"
/** @since 0.1.0 */
export * as BlockManager from "./BlockManager.js"
/** @since 0.1.0 */
export * as BlockManagerMaster from "./BlockManagerMaster.js"
/** @since 0.1.0 */
export * as BlockTransferService from "./BlockTransferService.js"
/** @since 0.1.0 */
export * as LineBlock from "./LineBlock.js"
/** @since 0.1.0 */
export * as StorageLevel from "./StorageLevel.js"
