import type { State as StateShape } from "../dstream/State.js"

/**
 * Builds the `State` class. A function of nothing, so that tasks which need
 * the class (mapWithState's) can ship it to executors in their environment.
 */
export const makeStateClass = (): new<S>(value: S | undefined, defined: boolean, isTimingOut: boolean) => StateShape<S> => {
  class State<S> {
    private value: S | undefined
    private defined: boolean
    private removed = false
    private updated = false

    constructor(value: S | undefined, defined: boolean, readonly isTimingOut: boolean) {
      this.value = value
      this.defined = defined
    }

    exists(): boolean {
      return this.defined
    }

    getOption(): S | undefined {
      return this.defined ? this.value : undefined
    }

    get(): S {
      if (!this.defined) throw new Error("State is not set: check exists() before get()")
      return this.value as S
    }

    update(value: S): void {
      if (this.isTimingOut) throw new Error("Cannot update the state of a key that is timing out")
      if (this.removed) throw new Error("Cannot update the state after it has been removed")
      this.value = value
      this.defined = true
      this.updated = true
    }

    remove(): void {
      if (this.isTimingOut) throw new Error("Cannot remove the state of a key that is timing out")
      this.removed = true
      this.defined = false
      this.value = undefined
    }

    get wasRemoved(): boolean {
      return this.removed
    }

    get wasUpdated(): boolean {
      return this.updated
    }
  }
  return State
}
