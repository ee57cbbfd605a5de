/**
 * The command-line parser of the project's commands: `npm start` (scripts/offline-preview.ts) and
 * `npm run bench` (bench/run.ts). Built on `node:util` `parseArgs`; this module adds the project's
 * messages and the usage/exit-code contract both commands share:
 *
 *   - an unknown option or a stray word → `unknown argument "<arg as typed>"`;
 *   - a string option without a value   → `<flag> needs a value`;
 *   - a usage error prints `error: <message>`, a blank line and the usage text on stderr: exit 2;
 *   - `-h` / `--help` prints the usage text on stdout: exit 0.
 *
 * Values are checked by the command (e.g. `--format` must be text, json or markdown) and rejected
 * with a `UsageError`, which gets the same treatment.
 */
import { parseArgs } from "node:util";

/** A bad command line: exit code 2, the message followed by the usage text. */
export class UsageError extends Error {}

export interface OptionSpec {
    readonly type: "string" | "boolean";
    /** One-letter alias, e.g. "s" for -s. */
    readonly short?: string;
    /** Repeatable string option: its values in command-line order. */
    readonly multiple?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean" ? boolean : S["multiple"] extends true ? string[] : string;

/** The options given on the command line (absent ones are undefined; the command applies its defaults). */
export type ParsedOptions<T extends OptionSpecs> = { [K in keyof T]?: ValueOf<T[K]> };

/**
 * Parses `argv` against `options`. Throws a UsageError for an unknown option, a positional argument,
 * a string option without a value, or a value given to a boolean option.
 */
export function parseCommandLine<T extends OptionSpecs>(argv: readonly string[], options: T): ParsedOptions<T> {
    // Not strict: parseArgs would reject `--stack --x` as ambiguous and word its own errors; the token
    // list lets this function give the project's messages instead (and take the value as typed).
    const { values, tokens } = parseArgs({ args: [...argv], options: options as Record<string, OptionSpec>, strict: false, allowPositionals: true, tokens: true });
    for (const token of tokens) {
        if (token.kind !== "option") {
            throw new UsageError(`unknown argument "${argv[token.index]}"`);
        }
        const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
        if (spec === undefined) {
            throw new UsageError(`unknown argument "${argv[token.index]}"`);
        }
        if (spec.type === "string" && token.value === undefined) {
            throw new UsageError(`${token.rawName} needs a value`);
        }
        if (spec.type === "boolean" && token.value !== undefined) {
            throw new UsageError(`${token.rawName} takes no value`);
        }
    }
    return { ...values } as ParsedOptions<T>;
}

/**
 * Runs a command's parser the way every command does: a UsageError prints the message and the usage
 * on stderr and gives exit code 2; `help` prints the usage on stdout and gives 0; otherwise the
 * parsed arguments. Any other error propagates (a bug, not a usage error).
 */
export function parseOrUsage<A extends { readonly help: boolean }>(argv: readonly string[], usage: string, parse: (argv: readonly string[]) => A): A | number {
    let args: A;
    try {
        args = parse(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) {
            throw e;
        }
        process.stderr.write(`error: ${e.message}\n\n${usage}\n`);
        return 2;
    }
    if (args.help) {
        process.stdout.write(`${usage}\n`);
        return 0;
    }
    return args;
}
