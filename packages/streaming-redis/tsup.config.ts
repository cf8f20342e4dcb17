import { sharedConfig } from "../../tsup.shared.js"

export default sharedConfig
