// The marks a shippable function carries: how it ships (see shipping.ts).
export const ENV = Symbol.for("@tspark/core/Closure/env")
export const ENGINE = Symbol.for("@tspark/core/Closure/engine")
