/**
 * Runs the Pulumi program offline under `pulumi.runtime.setMocks` and records every resource
 * registration the way the engine would see it: type, name, inputs, parent, provider, dependencies,
 * property dependencies and the `protect` / `retainOnDelete` options.
 *
 * Shared by the mocha tests and the offline preview (`npm start`), so both exercise the same path.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import { setAllConfig } from "@pulumi/pulumi/runtime/config";
import { mockInvoke, mockOutputs, type MockCloud } from "./mock-cloud";

/** `waitForRPCs` and `getMonitor` are internal to the runtime (not in its .d.ts) but stable across 3.x. */
const settings = runtimeSettings as unknown as { getMonitor(): unknown; waitForRPCs(): Promise<void> };

export const PROJECT = "moka";
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** One resource registration as the engine receives it. */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** True for provider-backed (custom) resources, false for component resources. */
    readonly custom: boolean;
    /** True for remote (multi-language) components such as `eks:index:Cluster`. */
    readonly remote: boolean;
    readonly inputs: Record<string, any>;
    /** The inputs in Pulumi's wire format (secrets and unknowns as signatures), as the engine forwards them to analyzers. */
    readonly wire: Record<string, any>;
    /** The state the mock returned: inputs plus realistic computed outputs. */
    readonly state: Record<string, any>;
    readonly parent?: string;
    /** Provider reference `urn::id`, when one was given. */
    readonly provider?: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export interface MockRunOptions {
    /** Stack name; also used to read `Pulumi.<stack>.yaml` when `config` is not given. */
    readonly stack: string;
    /** Flat `namespace:key → string` config map, exactly what the CLI passes to a program. */
    readonly config: Record<string, string>;
    /** The program: a function returning its stack outputs (index.ts's default export). */
    readonly program: () => unknown;
    /** Run as a preview (`isDryRun`). Defaults to false. */
    readonly preview?: boolean;
    /** The identity getCallerIdentity reports. Defaults to a session of the stack's moka:cluster.deployerRoleArn (else an IAM user). */
    readonly callerArn?: string;
    /** EKS clusters that already exist in the region (what aws.eks.getClusters lists). Defaults to none: the first `pulumi up`. */
    readonly existingClusters?: readonly string[];
}

export interface MockRunResult {
    readonly resources: RecordedResource[];
    /** The program's stack outputs, fully resolved. Secret values are unwrapped. */
    readonly outputs: Record<string, unknown>;
    /** Secret output names. */
    readonly secretOutputs: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Stack config files
// ---------------------------------------------------------------------------------------------

/** Reads `Pulumi.<stack>.yaml` into the flat string map the CLI hands to a program. */
export function readStackConfig(stack: string, root: string = PROJECT_ROOT): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack config file ${path.relative(process.cwd(), file) || file}; known stacks: ${listStacks(root).join(", ") || "none"}`);
    }
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc?.config ?? {})) {
        out[key] = encodeConfigValue(value);
    }
    return out;
}

/** Stack names that have a `Pulumi.<stack>.yaml` in `root`. */
export function listStacks(root: string = PROJECT_ROOT): string[] {
    return fs.readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Encodes a YAML config value the way the CLI does: strings as is, everything else as JSON. */
export function encodeConfigValue(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Mocks (the answers live in mock-cloud.ts)
// ---------------------------------------------------------------------------------------------

export { mockInvoke, mockOutputs, type MockCloud } from "./mock-cloud";

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/** An STS assumed-role session ARN for a role ARN, as getCallerIdentity reports a role: `arn:aws:sts::<acct>:assumed-role/<name>/<session>`. */
export function assumedRoleArn(roleArn: string, session = "pulumi"): string {
    const m = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/${session}` : roleArn;
}

function cloudFromConfig(config: Record<string, string>, callerArn?: string, existingClusters?: readonly string[]): MockCloud {
    let deployer: unknown;
    try {
        deployer = (JSON.parse(config["moka:cluster"] ?? "{}") as { deployerRoleArn?: unknown }).deployerRoleArn;
    } catch {
        deployer = undefined;
    }
    return {
        accountId: (config["moka:accountId"] ?? "123456789012").replace(/"/g, ""),
        region: config["aws:region"] ?? "us-west-2",
        callerArn: callerArn ?? (typeof deployer === "string" ? assumedRoleArn(deployer) : undefined),
        existingClusters,
    };
}

/** Resolves an arbitrarily nested value containing Outputs into plain data (secrets unwrapped). */
export async function resolveValue(value: unknown): Promise<{ value: unknown; secret: boolean }> {
    const out = pulumi.output(value) as pulumi.Output<unknown>;
    const [resolved, secret] = await Promise.all([
        new Promise<unknown>((resolve) => out.apply((v) => { resolve(v); return v; })),
        (out as any).isSecret as Promise<boolean>,
    ]);
    return { value: resolved, secret };
}

let running = false;

/**
 * Runs `program` under mocks with the given stack config and returns every registration plus the
 * resolved outputs. Runs are serialized: the Pulumi runtime keeps process-wide state.
 */
export async function runUnderMocks(opts: MockRunOptions): Promise<MockRunResult> {
    if (running) {
        throw new Error("runUnderMocks is not re-entrant; await the previous run first");
    }
    running = true;
    try {
        const cloud = cloudFromConfig(opts.config, opts.callerArn, opts.existingClusters);
        const resources: RecordedResource[] = [];
        const states = new Map<string, Record<string, any>>();
        setAllConfig(opts.config, []);
        await pulumi.runtime.setMocks(
            {
                newResource(args: pulumi.runtime.MockResourceArgs) {
                    const { id, state } = mockOutputs(cloud, args.type, args.name, args.inputs);
                    states.set(`${args.type}::${args.name}`, state);
                    return { id, state };
                },
                call(args: pulumi.runtime.MockCallArgs) {
                    return mockInvoke(cloud, args.token, args.inputs);
                },
            },
            PROJECT,
            opts.stack,
            opts.preview ?? false,
        );
        const monitor = settings.getMonitor() as any;
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
            original(req, (err: any, resp: any) => {
                if (!err && resp) {
                    const type: string = req.getType();
                    const name: string = req.getName();
                    const propDeps: Record<string, string[]> = {};
                    req.getPropertydependenciesMap().forEach((v: any, k: string) => { propDeps[k] = v.getUrnsList(); });
                    resources.push({
                        urn: resp.getUrn(),
                        type,
                        name,
                        custom: req.getCustom(),
                        remote: req.getRemote(),
                        inputs: pulumi.runtime.deserializeProperties(req.getObject()),
                        wire: req.getObject()?.toJavaScript() ?? {},
                        state: states.get(`${type}::${name}`) ?? {},
                        parent: req.getParent() || undefined,
                        provider: req.getProvider() || undefined,
                        protect: req.getProtect() === true,
                        retainOnDelete: req.getRetainondelete() === true,
                        dependencies: req.getDependenciesList(),
                        propertyDependencies: propDeps,
                    });
                }
                callback(err, resp);
            });
        };

        // An error thrown inside an `apply` surfaces only as an unhandled rejection and would leave the
        // outputs unresolved forever; turn it into a failure of this run instead of a hang.
        let onAsyncError: (e: unknown) => void = () => undefined;
        const asyncError = new Promise<never>((_, reject) => { onAsyncError = reject; });
        asyncError.catch(() => undefined);
        process.on("unhandledRejection", onAsyncError);
        process.on("uncaughtException", onAsyncError);
        try {
            const body = async (): Promise<MockRunResult> => {
                const exported = await opts.program();
                const outputs: Record<string, unknown> = {};
                const secretOutputs: string[] = [];
                for (const [k, v] of Object.entries((exported ?? {}) as Record<string, unknown>)) {
                    const r = await resolveValue(v);
                    outputs[k] = r.value;
                    if (r.secret) {
                        secretOutputs.push(k);
                    }
                }
                await settings.waitForRPCs();
                // Registration errors (e.g. a throwing apply feeding an input) reject a few ticks later.
                for (let i = 0; i < 3; i++) {
                    await new Promise((r) => setImmediate(r));
                }
                await settings.waitForRPCs();
                return { resources, outputs, secretOutputs };
            };
            // The SDK captures a stack trace for every promise it creates (several per resource
            // property), and under ts-node every frame is source-mapped: that is ~40% of a run's CPU.
            // Mocked runs don't need them; MOKA_STACK_TRACES=1 keeps them for debugging a program error.
            const savedLimit = Error.stackTraceLimit;
            if (process.env.MOKA_STACK_TRACES !== "1") {
                Error.stackTraceLimit = 0;
            }
            try {
                return await Promise.race([body(), asyncError]);
            } finally {
                Error.stackTraceLimit = savedLimit;
            }
        } finally {
            process.off("unhandledRejection", onAsyncError);
            process.off("uncaughtException", onAsyncError);
        }
    } finally {
        running = false;
    }
}

/** Loads the platform program (index.ts) fresh; its default export is the program function. */
export function loadPlatformProgram(): () => unknown {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time
    const mod = require(path.join(PROJECT_ROOT, "index"));
    return typeof mod === "function" ? mod : mod.default;
}
