/** @internal */
export const backpressureEnabled = "spark.streaming.backpressure.enabled"
/** @internal */
export const rateEstimator = "spark.streaming.backpressure.rateEstimator"
/** @internal */
export const pidProportional = "spark.streaming.backpressure.pid.proportional"
/** @internal */
export const pidIntegral = "spark.streaming.backpressure.pid.integral"
/** @internal */
export const pidDerived = "spark.streaming.backpressure.pid.derived"
/** @internal */
export const pidMinRate = "spark.streaming.backpressure.pid.minRate"
/** @internal */
export const initialRate = "spark.streaming.backpressure.initialRate"
/** @internal */
export const receiverMaxRate = "spark.streaming.receiver.maxRate"
/** @internal */
export const kafkaMaxRatePerPartition = "spark.streaming.kafka.maxRatePerPartition"
/** @internal */
export const kafkaMinRatePerPartition = "spark.streaming.kafka.minRatePerPartition"
