/**
 * The one command-line parser (preview/cli-args.ts, node:util parseArgs) and the two commands that
 * use it: `npm start` (scripts/offline-preview.ts) and `npm run bench` (bench/run.ts, see
 * tests/bench/bench-smoke.spec.ts). The exit codes and stderr of the real command are covered
 * end to end in cli.spec.ts.
 */
import { strict as assert } from "assert";
import { parseCommandLine, parseOrUsage, UsageError } from "../../preview/cli-args";
import { parsePreviewArgs } from "../../scripts/offline-preview";

const OPTIONS = {
    name: { type: "string", short: "n" },
    tag: { type: "string", multiple: true },
    dry: { type: "boolean" },
} as const;

describe("command-line parser (preview/cli-args.ts)", () => {
    it("reads separate and inline values, short aliases and repeated options in order", () => {
        assert.deepEqual(parseCommandLine(["--name", "a", "--tag=x", "--tag", "y=1", "--dry"], OPTIONS), { name: "a", tag: ["x", "y=1"], dry: true });
        assert.deepEqual(parseCommandLine(["-n", "b"], OPTIONS), { name: "b" });
        assert.deepEqual(parseCommandLine([], OPTIONS), {});
    });

    it("takes the next word as the value even when it starts with a dash (like the shell user typed it)", () => {
        assert.deepEqual(parseCommandLine(["--name", "--dry"], OPTIONS), { name: "--dry" });
    });

    const rejects: [string, string[], string][] = [
        ["an unknown option, as typed", ["--nope=1"], 'unknown argument "--nope=1"'],
        ["an unknown short option", ["-x"], 'unknown argument "-x"'],
        ["a positional word", ["prod"], 'unknown argument "prod"'],
        ["the option terminator", ["--", "--dry"], 'unknown argument "--"'],
        ["a string option at the end", ["--name"], "--name needs a value"],
        ["a short string option at the end", ["-n"], "-n needs a value"],
        ["a value for a boolean option", ["--dry=yes"], "--dry takes no value"],
        ["a prototype key", ["--constructor"], 'unknown argument "--constructor"'],
    ];
    for (const [what, argv, message] of rejects) {
        it(`rejects ${what}: ${message}`, () => {
            assert.throws(() => parseCommandLine(argv, OPTIONS), (e: unknown) => e instanceof UsageError && e.message === message);
        });
    }

    describe("parseOrUsage", () => {
        const captured = (stream: NodeJS.WriteStream, fn: () => unknown): { result: unknown; text: string } => {
            const write = stream.write;
            let text = "";
            stream.write = ((chunk: string) => {
                text += chunk;
                return true;
            }) as typeof stream.write;
            try {
                return { result: fn(), text };
            } finally {
                stream.write = write;
            }
        };
        const parse = (argv: readonly string[]) => ({ help: parseCommandLine(argv, { help: { type: "boolean", short: "h" } }).help ?? false });

        it("a usage error: exit code 2, the message, a blank line and the usage on stderr", () => {
            const { result, text } = captured(process.stderr, () => parseOrUsage(["--bad"], "usage: cmd", parse));
            assert.equal(result, 2);
            assert.equal(text, 'error: unknown argument "--bad"\n\nusage: cmd\n');
        });

        it("--help: exit code 0 and the usage on stdout", () => {
            const { result, text } = captured(process.stdout, () => parseOrUsage(["-h"], "usage: cmd", parse));
            assert.equal(result, 0);
            assert.equal(text, "usage: cmd\n");
        });

        it("otherwise the parsed arguments; a non-usage error propagates", () => {
            assert.deepEqual(parseOrUsage([], "usage: cmd", parse), { help: false });
            assert.throws(() => parseOrUsage([], "usage: cmd", () => {
                throw new TypeError("a bug");
            }), TypeError);
        });
    });
});

describe("npm start command line (scripts/offline-preview.ts parsePreviewArgs)", () => {
    it("defaults: prod, text, stdout, no overrides", () => {
        assert.deepEqual(parsePreviewArgs([]), { stack: "prod", config: [], policyPackConfig: [], format: "text", out: undefined, help: false });
    });

    it("every option, long and short", () => {
        const argv = ["-s", "dev", "--config", "moka:network.azCount=2", "-c", "moka:teams[0].name=x", "--policy-pack-config", "a.json",
            "--policy-pack-config=b.json", "--format", "markdown", "-o", "out.md"];
        assert.deepEqual(parsePreviewArgs(argv), {
            stack: "dev", config: ["moka:network.azCount=2", "moka:teams[0].name=x"], policyPackConfig: ["a.json", "b.json"], format: "markdown", out: "out.md", help: false,
        });
        assert.equal(parsePreviewArgs(["--help"]).help, true);
    });

    it("a config value may itself contain '=' and JSON", () => {
        assert.deepEqual(parsePreviewArgs(["--config=moka:engines={\"flink\":false}"]).config, ["moka:engines={\"flink\":false}"]);
    });

    it("rejects an unknown format with the message the CLI test expects", () => {
        assert.throws(() => parsePreviewArgs(["--format", "yaml"]), (e: unknown) => e instanceof UsageError && e.message === '--format must be text, json or markdown, got "yaml"');
    });
});
