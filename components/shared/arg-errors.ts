/**
 * The one way a component reports bad arguments: it collects every problem, then throws once, before
 * any child exists, with one message format:
 *
 *     moka:<area>:<Type> "<name>": <problem>; <problem>
 *
 * Each problem names the argument (`args.baseName is required`, `args.nodePools.x86.weight: must be ...`).
 */

/** The error for `problems` of component `name` of type `type` (also for problems found later, inside an apply). */
export function argError(type: string, name: string, problems: readonly string[]): Error {
    return new Error(`${type} "${name}": ${problems.join("; ")}`);
}

/** Throws {@link argError} when there is at least one problem; returns otherwise. */
export function throwArgProblems(type: string, name: string, problems: readonly string[]): void {
    if (problems.length > 0) {
        throw argError(type, name, problems);
    }
}
