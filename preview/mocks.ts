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
// Mocks
// ---------------------------------------------------------------------------------------------

/** The partition/region/account the mocks pretend to run in. */
export interface MockCloud {
    readonly accountId: string;
    readonly region: string;
}

const SERVICE_BY_MODULE: Record<string, string> = {
    "aws:ec2": "ec2", "aws:vpc": "ec2", "aws:iam": "iam", "aws:kms": "kms", "aws:s3": "s3", "aws:sqs": "sqs",
    "aws:cloudwatch": "logs", "aws:eks": "eks", "aws:ecr": "ecr", "aws:amp": "aps", "aws:sns": "sns",
};

/** Realistic computed outputs for a resource, so programs that read arn/id/name see plausible values. */
export function mockOutputs(cloud: MockCloud, type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
    const { accountId: acct, region } = cloud;
    const physical = typeof inputs.name === "string" ? inputs.name : name;
    const id = `${physical}-id`;
    const state: Record<string, any> = { ...inputs };
    const module = type.split("/")[0];
    const service = SERVICE_BY_MODULE[module] ?? module.split(":")[1];
    switch (type) {
        case "aws:iam/role:Role":
            Object.assign(state, { arn: `arn:aws:iam::${acct}:role/${physical}`, name: physical, uniqueId: `AROA${id}` });
            break;
        case "aws:iam/policy:Policy":
            Object.assign(state, { arn: `arn:aws:iam::${acct}:policy/${physical}`, name: physical });
            break;
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            Object.assign(state, { arn: `arn:aws:iam::${acct}:oidc-provider/${String(inputs.url ?? physical).replace(/^https:\/\//, "")}` });
            break;
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2": {
            const bucket = inputs.bucket ?? `${name}-${acct}`;
            Object.assign(state, { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, region });
            return { id: bucket, state };
        }
        case "aws:kms/key:Key":
            Object.assign(state, { arn: `arn:aws:kms:${region}:${acct}:key/${id}`, keyId: id });
            break;
        case "aws:kms/alias:Alias":
            Object.assign(state, { arn: `arn:aws:kms:${region}:${acct}:${physical}` });
            break;
        case "aws:sqs/queue:Queue": {
            const qn = inputs.name ?? name;
            Object.assign(state, { name: qn, arn: `arn:aws:sqs:${region}:${acct}:${qn}`, url: `https://sqs.${region}.amazonaws.com/${acct}/${qn}` });
            return { id: `https://sqs.${region}.amazonaws.com/${acct}/${qn}`, state };
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            Object.assign(state, { arn: `arn:aws:logs:${region}:${acct}:log-group:${physical}`, name: physical });
            return { id: physical, state };
        case "aws:cloudwatch/eventRule:EventRule":
            Object.assign(state, { arn: `arn:aws:events:${region}:${acct}:rule/${physical}`, name: physical });
            break;
        case "aws:ecr/repository:Repository":
            Object.assign(state, {
                arn: `arn:aws:ecr:${region}:${acct}:repository/${physical}`,
                name: physical,
                registryId: acct,
                repositoryUrl: `${acct}.dkr.ecr.${region}.amazonaws.com/${physical}`,
            });
            return { id: physical, state };
        case "aws:amp/workspace:Workspace":
            Object.assign(state, {
                arn: `arn:aws:aps:${region}:${acct}:workspace/ws-${name}`,
                prometheusEndpoint: `https://aps-workspaces.${region}.amazonaws.com/workspaces/ws-${name}/`,
            });
            return { id: `ws-${name}`, state };
        case "aws:ec2/vpc:Vpc":
            Object.assign(state, { arn: `arn:aws:ec2:${region}:${acct}:vpc/vpc-${name}`, defaultSecurityGroupId: `sg-default-${name}` });
            return { id: `vpc-${name}`, state };
        case "aws:ec2/subnet:Subnet":
            Object.assign(state, { arn: `arn:aws:ec2:${region}:${acct}:subnet/subnet-${name}` });
            return { id: `subnet-${name}`, state };
        case "aws:ec2/securityGroup:SecurityGroup":
            Object.assign(state, { arn: `arn:aws:ec2:${region}:${acct}:security-group/sg-${name}` });
            return { id: `sg-${name}`, state };
        case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            Object.assign(state, { associationArn: `arn:aws:eks:${region}:${acct}:podidentityassociation/${name}`, associationId: `a-${name}` });
            break;
        case "eks:index:Cluster": {
            const clusterName = inputs.name ?? name;
            const endpoint = `https://${clusterName}.gr7.${region}.eks.amazonaws.com`;
            const issuer = `https://oidc.eks.${region}.amazonaws.com/id/${clusterName.toUpperCase().replace(/-/g, "")}`;
            const kubeconfig = {
                apiVersion: "v1",
                kind: "Config",
                clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": "bW9jaw==" } }],
                contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
                "current-context": clusterName,
                users: [{ name: clusterName, user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName] } } }],
            };
            Object.assign(state, {
                kubeconfig,
                kubeconfigJson: JSON.stringify(kubeconfig),
                oidcIssuer: issuer.replace(/^https:\/\//, ""),
                oidcProviderUrl: issuer,
                oidcProviderArn: `arn:aws:iam::${acct}:oidc-provider/${issuer.replace(/^https:\/\//, "")}`,
                clusterSecurityGroupId: `sg-${clusterName}-cluster`,
                nodeSecurityGroupId: `sg-${clusterName}-node`,
                eksCluster: {
                    name: clusterName,
                    arn: `arn:aws:eks:${region}:${acct}:cluster/${clusterName}`,
                    endpoint,
                    version: inputs.version,
                    vpcConfig: { clusterSecurityGroupId: `sg-${clusterName}-eks-managed`, vpcId: inputs.vpcId },
                    identities: [{ oidcs: [{ issuer }] }],
                },
                core: { endpoint, clusterSecurityGroupId: `sg-${clusterName}-cluster`, vpcId: inputs.vpcId },
            });
            return { id: clusterName, state };
        }
        case "random:index/randomPassword:RandomPassword":
            // A fixed, recognisable stand-in of the requested length (never a real credential).
            state.result = "mock-password-".padEnd(Number(inputs.length ?? 16), "x");
            return { id: name, state };
        default:
            if (type.startsWith("aws:") && !("arn" in state)) {
                state.arn = `arn:aws:${service}:${region}:${acct}:${type.split(":").pop()!.toLowerCase()}/${physical}`;
            }
            if (type.startsWith("kubernetes:") && inputs.metadata && typeof inputs.metadata === "object") {
                state.metadata = { ...inputs.metadata, name: inputs.metadata.name ?? name, uid: `uid-${name}` };
            }
            if (type === "kubernetes:helm.sh/v3:Release") {
                state.status = { name: inputs.name ?? name, namespace: inputs.namespace ?? "default", status: "deployed", version: inputs.version };
                state.name = inputs.name ?? name;
            }
    }
    return { id, state };
}

/** Answers the provider functions the program calls; anything else throws so a new call is never silently faked. */
export function mockInvoke(cloud: MockCloud, token: string, inputs: Record<string, any>): Record<string, any> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const names = ["a", "b", "c", "d", "e", "f"].map((s) => `${cloud.region}${s}`);
            return { names, zoneIds: names.map((_, i) => `${cloud.region.slice(0, 3)}${cloud.region.slice(-1)}-az${i + 1}`), state: inputs.state, id: cloud.region };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: cloud.accountId, arn: `arn:aws:iam::${cloud.accountId}:user/mock`, userId: "AIDAMOCK", id: cloud.accountId };
        case "aws:index/getRegion:getRegion":
            return { name: cloud.region, region: cloud.region, id: cloud.region, endpoint: `ec2.${cloud.region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
                authorizationToken: Buffer.from("AWS:mock-token").toString("base64"),
                userName: "AWS",
                password: "mock-token",
                proxyEndpoint: `https://${inputs.registryId ?? cloud.accountId}.dkr.ecr.${cloud.region}.amazonaws.com`,
                expiresAt: "2099-01-01T00:00:00Z",
                id: cloud.region,
            };
        default:
            throw new Error(`unmocked invoke ${token}; add it to mockInvoke in preview/mocks.ts`);
    }
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

function cloudFromConfig(config: Record<string, string>): MockCloud {
    return {
        accountId: (config["moka:accountId"] ?? "123456789012").replace(/"/g, ""),
        region: config["aws:region"] ?? "us-west-2",
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
        const cloud = cloudFromConfig(opts.config);
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

/** Convenience: run a stack of the platform program from its `Pulumi.<stack>.yaml`, with optional overrides. */
export function runStack(stack: string, overrides: Record<string, string> = {}): Promise<MockRunResult> {
    return runUnderMocks({ stack, config: { ...readStackConfig(stack), ...overrides }, program: loadPlatformProgram() });
}
