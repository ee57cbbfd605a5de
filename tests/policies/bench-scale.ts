/**
 * Sizes for the "is linear: 10,000 …" benchmark tests. Under Stryker (`npm run mutation`; its test-runner
 * processes carry STRYKER_MUTATOR_WORKER) the code is instrumented, so wall-clock budgets say nothing, and every
 * covering test re-runs once per mutant: there the benchmarks shrink to 1/20 of their size and still check the
 * verdicts. A normal `mocha` run keeps the full sizes and budgets.
 */
export const UNDER_MUTATION = process.env.STRYKER_MUTATOR_WORKER !== undefined;

export function benchSize(n: number): number {
    return UNDER_MUTATION ? Math.ceil(n / 20) : n;
}
