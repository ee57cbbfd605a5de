/**
 * `npm start` — the offline preview.
 *
 *   npm start                                   # prod stack, text report
 *   npm start -- --stack dev --format markdown --out preview.md
 *   npm start -- --config 'moka:cluster.publicAccessCidrs=["0.0.0.0/0"]'
 *   npm start -- --policy-pack-config policies/config/prod/security.json
 *
 * Exit codes: 0 clean, 1 mandatory policy violation(s), 2 config or program error (the message
 * names the key). Progress goes to stderr, the report to stdout (or --out).
 */
import * as fs from "fs";
import * as path from "path";
import { parseCommandLine, parseOrUsage, UsageError } from "../preview/cli-args";

const USAGE = `usage: npm start -- [--stack <name>] [--config key=value]... [--policy-pack-config <file>]...
                     [--format text|json|markdown] [--out <file>]

  --stack <name>              stack to preview (reads Pulumi.<name>.yaml). Default: prod
  --config key=value          override a config value, like \`pulumi config set [--path]\`:
                              moka:network.azCount=2, moka:cluster.publicAccessCidrs[0]=0.0.0.0/0,
                              'moka:engines={"flink":false,"ray":true}'. Repeatable.
  --policy-pack-config <file> policy config in the CLI's format (policy name -> level or object).
                              Repeatable. Default: policies/config/<stack>/<pack>.json when present.
  --format <f>                text (default), json, or markdown (a PR comment)
  --out <file>                write the report to a file instead of stdout
  -h, --help                  show this help

exit codes: 0 no mandatory violations, 1 mandatory violations, 2 config or program error`;

export interface CliArgs {
    stack: string;
    config: string[];
    policyPackConfig: string[];
    format: "text" | "json" | "markdown";
    out?: string;
    help: boolean;
}

const OPTIONS = {
    stack: { type: "string", short: "s" },
    config: { type: "string", short: "c", multiple: true },
    "policy-pack-config": { type: "string", multiple: true },
    format: { type: "string" },
    out: { type: "string", short: "o" },
    help: { type: "boolean", short: "h" },
} as const;

const FORMATS: readonly CliArgs["format"][] = ["text", "json", "markdown"];

/** The command line of `npm start`; throws a UsageError (exit 2) for a bad one. */
export function parsePreviewArgs(argv: readonly string[]): CliArgs {
    const v = parseCommandLine(argv, OPTIONS);
    const format = v.format ?? "text";
    if (!(FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format must be text, json or markdown, got "${format}"`);
    }
    return {
        stack: v.stack ?? "prod",
        config: v.config ?? [],
        policyPackConfig: v["policy-pack-config"] ?? [],
        format: format as CliArgs["format"],
        out: v.out,
        help: v.help ?? false,
    };
}

async function main(): Promise<number> {
    const started = Date.now();
    const isTty = process.stderr.isTTY;
    const progress = (msg: string) => process.stderr.write(`${isTty ? "\x1b[2m" : ""}▸ ${msg} (${((Date.now() - started) / 1000).toFixed(1)}s)${isTty ? "\x1b[0m" : ""}\n`);

    const args = parseOrUsage(process.argv.slice(2), USAGE, parsePreviewArgs);
    if (typeof args === "number") {
        return args;
    }

    progress("loading modules");
    const { parseOverride } = await import("../preview/overrides");
    const { runPreview, PreviewInputError, MokaConfigError } = await import("../preview/run");
    const { render } = await import("../preview/report");

    try {
        const overrides = args.config.map(parseOverride);
        const result = await runPreview({
            stack: args.stack,
            overrides,
            policyConfigFiles: args.policyPackConfig.length > 0 ? args.policyPackConfig.map((f) => path.resolve(f)) : undefined,
            progress,
        });
        const report = render(result, args.format);
        if (args.out) {
            fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
            fs.writeFileSync(args.out, `${report}\n`);
            progress(`wrote ${args.format} report to ${args.out}`);
        } else {
            process.stdout.write(`${report}\n`);
        }
        progress(`done: ${result.resources.length} resources, ${result.findings.length} findings, ${result.mandatoryCount} mandatory`);
        return result.mandatoryCount > 0 ? 1 : 0;
    } catch (e) {
        if (e instanceof MokaConfigError) {
            process.stderr.write(`error: stack ${args.stack}: ${e.message}\n`);
        } else if (e instanceof PreviewInputError || (e instanceof Error && e.message.startsWith("--config"))) {
            process.stderr.write(`error: ${e.message}\n`);
        } else {
            process.stderr.write(`error: the program failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
        }
        return 2;
    }
}

if (require.main === module) {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (e) => {
            process.stderr.write(`error: ${e instanceof Error ? e.stack : String(e)}\n`);
            process.exitCode = 2;
        },
    );
}
