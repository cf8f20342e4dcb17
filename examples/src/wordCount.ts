import { version } from "@tspark/core"

console.log(`tspark ${version}`)
