/**
 * Spark's `org.apache.spark.rpc` package, reduced: named endpoints on the
 * driver and on executors, messages and asks between them while tasks run.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as DriverRpcEndpoints from "./DriverRpcEndpoints.js"
/** @since 0.1.0 */
export * as ExecutorRpcEnv from "./ExecutorRpcEnv.js"
/** @since 0.1.0 */
export * as RpcEndpoint from "./RpcEndpoint.js"
/** @since 0.1.0 */
export * as RpcEnv from "./RpcEnv.js"
