/**
 * Which run of the node is current: a new one begins at every start and every
 * teardown. Callbacks of an older run (an agent's, a manager's) are ignored.
 */
export class RunEpoch {
  private run = 0;

  /** A run ends (or begins): everything bound to the one before goes quiet. */
  next(): void {
    this.run++;
  }

  /** The run current now. */
  mark(): RunMark {
    const run = this.run;
    const current = () => run === this.run;
    return {
      current,
      only:
        <A extends unknown[]>(fn: (...args: A) => void) =>
        (...args: A) => {
          if (current()) fn(...args);
        },
    };
  }
}

export interface RunMark {
  /** Whether this run is still the current one. */
  current(): boolean;
  /** `fn`, called only while this run is the current one. */
  only<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}
