// @ts-check
/** The repository's own ESLint rules, registered as the `local` plugin in eslint.config.mjs. */
import { noFloatingEffect } from "./noFloatingEffect.mjs"

export default {
  meta: { name: "local" },
  rules: { "no-floating-effect": noFloatingEffect }
}
