// Finds the identifiers a function's source refers to but does not declare:
// what it captures from its surroundings. A shipped function may use only its
// arguments, JavaScript globals and an explicit environment.
import * as acorn from "acorn"

type AnyNode = acorn.Node & Record<string, unknown>

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"])

/** Parses a function's `toString()` as an expression, also for method shorthand (`m(x) { ... }`). */
export const parseFunction = (source: string): { readonly node: AnyNode; readonly expression: string } | undefined => {
  for (const expression of [`(${source})`, `({${source}})`]) {
    try {
      const program = acorn.parse(expression, { ecmaVersion: "latest", sourceType: "script" }) as unknown as AnyNode
      const statement = (program["body"] as Array<AnyNode>)[0]
      let node = statement?.["expression"] as AnyNode | undefined
      if (node?.type === "ObjectExpression") {
        const property = (node["properties"] as Array<AnyNode>)[0]
        node = property?.["value"] as AnyNode | undefined
        if (node === undefined) continue
        return { node, expression: `${expression}[${JSON.stringify(keyName(property!))}]` }
      }
      if (node !== undefined && FUNCTION_TYPES.has(node.type)) return { node, expression }
    } catch {
      // try the next form
    }
  }
  return undefined
}

const keyName = (property: AnyNode): string => {
  const key = property["key"] as AnyNode
  return key.type === "Identifier" ? key["name"] as string : String(key["value"])
}

/** Names bound by a pattern (`a`, `{ a, b: [c] }`, `...rest`, `a = 1`). */
const patternNames = (pattern: AnyNode | null | undefined, into: Set<string>): void => {
  if (!pattern) return
  switch (pattern.type) {
    case "Identifier":
      into.add(pattern["name"] as string)
      return
    case "ObjectPattern":
      for (const p of pattern["properties"] as Array<AnyNode>) {
        patternNames((p.type === "RestElement" ? p["argument"] : p["value"]) as AnyNode, into)
      }
      return
    case "ArrayPattern":
      for (const e of pattern["elements"] as Array<AnyNode | null>) patternNames(e, into)
      return
    case "RestElement":
      patternNames(pattern["argument"] as AnyNode, into)
      return
    case "AssignmentPattern":
      patternNames(pattern["left"] as AnyNode, into)
      return
  }
}

const children = (node: AnyNode): Array<AnyNode> => {
  const out: Array<AnyNode> = []
  for (const key of Object.keys(node)) {
    if (key === "type" || key === "start" || key === "end") continue
    const value = node[key]
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof (v as AnyNode).type === "string") out.push(v as AnyNode)
    } else if (value && typeof (value as AnyNode).type === "string") {
      out.push(value as AnyNode)
    }
  }
  return out
}

/** Every name declared inside a function body (hoisting blocks to the function: a simplification). */
/** Names a statement list declares lexically (let, const, class; function declarations in blocks). */
const lexicalNames = (statements: ReadonlyArray<AnyNode>, into: Set<string>): void => {
  for (const statement of statements) {
    if (statement.type === "VariableDeclaration" && statement["kind"] !== "var") {
      for (const d of statement["declarations"] as Array<AnyNode>) patternNames(d["id"] as AnyNode, into)
    } else if ((statement.type === "ClassDeclaration" || statement.type === "FunctionDeclaration") && statement["id"]) {
      patternNames(statement["id"] as AnyNode, into)
    }
  }
}

/**
 * The names a function's own scope declares: parameters, its name, `var`s and
 * function declarations anywhere in its body (hoisted), and the lexical
 * declarations of the body's top level. Blocks add their own scopes (see `walk`).
 */
const declaredIn = (fn: AnyNode): Set<string> => {
  const names = new Set<string>()
  for (const param of fn["params"] as Array<AnyNode>) patternNames(param, names)
  if (fn.type === "FunctionExpression" && fn["id"]) patternNames(fn["id"] as AnyNode, names)
  const body = fn["body"] as AnyNode
  if (body.type === "BlockStatement") lexicalNames(body["body"] as Array<AnyNode>, names)
  const visit = (node: AnyNode) => {
    switch (node.type) {
      case "VariableDeclaration":
        if (node["kind"] === "var") { for (const d of node["declarations"] as Array<AnyNode>) patternNames(d["id"] as AnyNode, names) }
        break
      case "FunctionDeclaration":
        return // its name belongs to the enclosing block; its body is its own scope
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        return
    }
    for (const child of children(node)) visit(child)
  }
  visit(body)
  return names
}

/** The binding Vite's SSR transform (vitest) gives an imported module. */
const VITE_IMPORT = /^__vite_ssr_import_\d+__$/

/** The names a block-like node declares for its own scope, or `undefined` when it opens none. */
const blockScope = (node: AnyNode): Set<string> | undefined => {
  const names = new Set<string>()
  switch (node.type) {
    case "BlockStatement":
    case "StaticBlock":
      lexicalNames(node["body"] as Array<AnyNode>, names)
      return names
    case "ForStatement":
    case "ForInStatement":
    case "ForOfStatement": {
      const head = (node.type === "ForStatement" ? node["init"] : node["left"]) as AnyNode | null
      if (head?.type === "VariableDeclaration" && head["kind"] !== "var") lexicalNames([head], names)
      return names
    }
    case "SwitchStatement":
      for (const c of node["cases"] as Array<AnyNode>) lexicalNames(c["consequent"] as Array<AnyNode>, names)
      return names
    case "CatchClause":
      patternNames(node["param"] as AnyNode, names)
      return names
    default:
      return undefined
  }
}

/**
 * The free identifiers of a function (and `this` or `arguments` when an arrow
 * function uses those of its surroundings), excluding names in `allowed`.
 */
export const freeIdentifiers = (fn: AnyNode, allowed: (name: string) => boolean): Array<string> => {
  const free = new Set<string>()
  const walk = (node: AnyNode, scopes: ReadonlyArray<Set<string>>, thisIsOuter: boolean) => {
    if (FUNCTION_TYPES.has(node.type)) {
      const inner = [...scopes, declaredIn(node)]
      const lexicalThis = node.type === "ArrowFunctionExpression" ? thisIsOuter : false
      for (const param of node["params"] as Array<AnyNode>) walkPatternDefaults(param, inner, lexicalThis)
      walk(node["body"] as AnyNode, inner, lexicalThis)
      return
    }
    // Blocks, loops with let/const heads, switches and catch clauses open a scope of their own.
    const block = blockScope(node)
    if (block !== undefined) {
      const inner = [...scopes, block]
      for (const child of children(node)) walk(child, inner, thisIsOuter)
      return
    }
    switch (node.type) {
      case "Identifier": {
        const name = node["name"] as string
        if (scopes.some((s) => s.has(name))) return
        // An arrow function's `arguments`, like its `this`, are those of the function around it.
        if (name === "arguments" ? thisIsOuter : !allowed(name)) free.add(name)
        return
      }
      case "ThisExpression":
        if (thisIsOuter) free.add("this")
        return
      case "MemberExpression": {
        const object = node["object"] as AnyNode
        const property = node["property"] as AnyNode
        // Vite (vitest) rewrites an imported `name` to `__vite_ssr_import_N__.name`: report the name the user wrote.
        if (
          object.type === "Identifier" && VITE_IMPORT.test(object["name"] as string) && !node["computed"] &&
          !scopes.some((s) => s.has(object["name"] as string))
        ) {
          free.add(property["name"] as string)
          return
        }
        walk(object, scopes, thisIsOuter)
        if (node["computed"]) walk(property, scopes, thisIsOuter)
        return
      }
      case "Property":
      case "PropertyDefinition":
      case "MethodDefinition":
        if (node["computed"]) walk(node["key"] as AnyNode, scopes, thisIsOuter)
        if (node["value"]) walk(node["value"] as AnyNode, scopes, node.type === "Property" ? thisIsOuter : false)
        return
      case "LabeledStatement":
        walk(node["body"] as AnyNode, scopes, thisIsOuter)
        return
      case "BreakStatement":
      case "ContinueStatement":
        return
      case "VariableDeclarator":
        walkPatternDefaults(node["id"] as AnyNode, scopes, thisIsOuter)
        if (node["init"]) walk(node["init"] as AnyNode, scopes, thisIsOuter)
        return
      case "ClassDeclaration":
      case "ClassExpression":
        if (node["superClass"]) walk(node["superClass"] as AnyNode, scopes, thisIsOuter)
        walk(node["body"] as AnyNode, scopes, false)
        return
      case "MetaProperty":
        return
    }
    for (const child of children(node)) walk(child, scopes, thisIsOuter)
  }
  /** Patterns declare names; only their default values and computed keys refer to anything. */
  const walkPatternDefaults = (pattern: AnyNode | null, scopes: ReadonlyArray<Set<string>>, thisIsOuter: boolean) => {
    if (!pattern) return
    switch (pattern.type) {
      case "AssignmentPattern":
        walkPatternDefaults(pattern["left"] as AnyNode, scopes, thisIsOuter)
        walk(pattern["right"] as AnyNode, scopes, thisIsOuter)
        return
      case "ObjectPattern":
        for (const p of pattern["properties"] as Array<AnyNode>) {
          if (p.type === "RestElement") walkPatternDefaults(p["argument"] as AnyNode, scopes, thisIsOuter)
          else {
            if (p["computed"]) walk(p["key"] as AnyNode, scopes, thisIsOuter)
            walkPatternDefaults(p["value"] as AnyNode, scopes, thisIsOuter)
          }
        }
        return
      case "ArrayPattern":
        for (const e of pattern["elements"] as Array<AnyNode | null>) walkPatternDefaults(e, scopes, thisIsOuter)
        return
      case "RestElement":
        walkPatternDefaults(pattern["argument"] as AnyNode, scopes, thisIsOuter)
        return
    }
  }
  walk(fn, [], true)
  return [...free]
}
