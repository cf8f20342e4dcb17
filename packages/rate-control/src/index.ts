/**
 * @tspark/rate-control
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
