// @ts-check
/**
 * `local/no-floating-effect`: an Effect is a description of work, so an
 * expression statement whose value is an Effect (built, then dropped without
 * being yielded, returned or run) does nothing. It catches the
 * `Effect.log("x")` that should have been `yield* Effect.log("x")`, and the
 * `yield Effect.log("x")` missing its star. `void effect` states the drop on
 * purpose. Needs type information (typescript-eslint's projectService).
 */
/** Effect 4's `Effect.TypeId`: every Effect (and Exit, which is one) carries it as a property key. */
const EFFECT_TYPE_ID = "~effect/Effect"

/** @param {import("typescript").Type} type */
const isEffect = (type) => {
  if (type.isUnion()) return type.types.some(isEffect)
  return type.getProperty(EFFECT_TYPE_ID) !== undefined
}

/** @type {import("eslint").Rule.RuleModule} */
export const noFloatingEffect = {
  meta: {
    type: "problem",
    docs: { description: "Disallow an Effect that is created and dropped without being yielded or run" },
    messages: {
      floating: "This Effect is created and dropped: yield* it, return it, run it, or mark a deliberate drop with `void`.",
      yieldWithoutStar: "`yield` of an Effect hands the Effect itself to the generator: use `yield*`."
    },
    schema: []
  },
  create(context) {
    const services = context.sourceCode.parserServices
    if (services?.program == null) {
      throw new Error("local/no-floating-effect needs type information: set parserOptions.projectService")
    }
    const checker = services.program.getTypeChecker()
    /** @param {import("estree").Node} node */
    const typeOf = (node) => checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node))
    return {
      ExpressionStatement(node) {
        let expression = /** @type {import("estree").Expression} */ (node.expression)
        // assigning an Effect keeps it
        if (expression.type === "AssignmentExpression") return
        if (expression.type === "ChainExpression") expression = expression.expression
        if (expression.type === "YieldExpression") {
          if (expression.delegate || expression.argument == null) return
          if (isEffect(typeOf(expression.argument))) {
            context.report({ node, messageId: "yieldWithoutStar" })
          }
          return
        }
        if (isEffect(typeOf(expression))) context.report({ node, messageId: "floating" })
      }
    }
  }
}
