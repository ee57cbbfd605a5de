/**
 * The app-team contract: what the Moka platform stack exports, and a typed way to read it.
 *
 * Platform side: `index.ts` returns `buildContractOutputs(...)` as its stack outputs (names cannot drift).
 * App side: `new PlatformReference("acme/moka/prod")` wraps a `pulumi.StackReference`, checks the platform's
 * contract version (same major; a minor-version output only from that minor on) and hands out typed Outputs.
 *
 * This file imports only `@pulumi/pulumi` so app teams can copy it into their own repositories.
 * Versioning (semver): adding an output or a team field is a minor bump; renaming, removing or changing
 * the meaning of one is a major bump. Consumers accept any platform with the same major version.
 */
import * as pulumi from "@pulumi/pulumi";

/** Version of this contract (2.1.0: `sparkImage`, `sparkVersion`). */
export const CONTRACT_VERSION = "2.1.0";

/** Outputs added in a minor version, and that version: reading one from an older platform fails naming both. */
export const OUTPUTS_SINCE: Readonly<Partial<Record<keyof PlatformOutputs, string>>> = { sparkImage: "2.1.0", sparkVersion: "2.1.0" };

/** A Kubernetes RBAC rule, as the contract describes a team's permissions. */
export interface RbacRule {
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
    readonly verbs: readonly string[];
}

/** Who may use a team's namespace, and what they may do there. */
export interface TeamAccess {
    readonly namespace: string;
    /** The team's Kubernetes groups per level (EKS access-entry `kubernetesGroups`). */
    readonly kubernetesGroups: { readonly edit: string; readonly view: string };
    /** Each IAM principal: its EKS access policy and scope (namespace-scoped; `cluster` only for a cluster admin), and its groups. */
    readonly principals: readonly {
        readonly roleArn: string;
        readonly kind: "ci" | "developer";
        readonly level: "edit" | "view";
        readonly accessPolicy: string;
        readonly accessScope: { readonly type: "namespace" | "cluster"; readonly namespaces?: readonly string[] };
        readonly kubernetesGroups: readonly string[];
    }[];
    /** What each level may do beyond its EKS access policy (custom resources such as SparkApplications). */
    readonly kubernetesPermissions: { readonly edit: readonly RbacRule[]; readonly view: readonly RbacRule[] };
}

/** Driver or executor part of {@link SparkApplicationDefaults} (SparkApplication v1beta2 `SparkPodSpec` fields). */
export interface SparkPodDefaults {
    readonly serviceAccount: string;
    readonly annotations?: Record<string, string>;
    readonly nodeSelector?: Record<string, string>;
    readonly tolerations?: readonly Record<string, unknown>[];
    readonly affinity?: Record<string, unknown>;
    readonly terminationGracePeriodSeconds?: number;
    readonly podSecurityContext: Record<string, unknown>;
    readonly securityContext: Record<string, unknown>;
}

/**
 * The `SparkApplication.spec` fragment every team application starts from: YuniKorn and the team queue,
 * the platform Spark properties, and the spot-safe pod settings (drivers `karpenter.sh/do-not-disrupt` on
 * on-demand capacity; executors with a grace period longer than the decommission force-kill timeout).
 * Merge it with {@link withPlatformDefaults}.
 */
export interface SparkApplicationDefaults {
    readonly batchScheduler: string;
    readonly batchSchedulerOptions: { readonly queue: string };
    readonly sparkConf: Record<string, string>;
    readonly driver: SparkPodDefaults;
    readonly executor: SparkPodDefaults;
}

/** What the platform publishes about one team. */
export interface TeamContract {
    /** Kubernetes namespace the team deploys into. */
    readonly namespace: string;
    /** ServiceAccount Spark drivers/executors must run as (carries the team's AWS role via Pod Identity). */
    readonly serviceAccount: string;
    /** IAM role the ServiceAccount assumes (informational: pods get it automatically). */
    readonly roleArn: string;
    /** YuniKorn queue, e.g. `root.ads-ranking`. */
    readonly queue: string;
    /** The team's own bucket (data, event logs, container logs). */
    readonly bucket: string;
    /** The team's read/write prefix in its bucket. */
    readonly dataPrefix: string;
    /** `s3a://<bucket>/<dataPrefix>/`. */
    readonly dataUri: string;
    /** `s3a://<bucket>/<eventLogPrefix>/`: where the team's Spark event logs go (its History Server reads them). */
    readonly eventLogUri: string;
    /** `s3a://<bucket>/<containerLogPrefix>/`: the team's container logs (read-only). */
    readonly containerLogUri: string;
    /** Other teams' prefixes this team may read (`s3a://<their bucket>/<prefix>/`). */
    readonly sharedReadUris: readonly string[];
    /** In-cluster URL of the team's Spark History Server (`kubectl -n spark-history port-forward svc/history-<team> 18080` from outside). */
    readonly historyServerUrl: string;
    /**
     * Platform Spark properties for the team (event logs, metrics, S3A, decommissioning). Already part of
     * `sparkApplicationDefaults.sparkConf`; the `spark-defaults` ConfigMap alone is not read by spark-submit.
     */
    readonly sparkConf: Record<string, string>;
    /** The spot-safe SparkApplication spec fragment. */
    readonly sparkApplicationDefaults: SparkApplicationDefaults;
    /** Who may use the namespace (the team's CI and developer roles) and what they may do. */
    readonly access: TeamAccess;
}

/** The in-cluster OTLP endpoints of the platform's OpenTelemetry Collector. */
export interface OtlpEndpoints {
    /** `host:port` for OTLP/gRPC. */
    readonly grpc: string;
    /** `http://host:port` for OTLP/HTTP. */
    readonly http: string;
}

/** Every TeamContract field (PlatformReference.team hands out each as an Output). */
export const TEAM_FIELDS = [
    "namespace", "serviceAccount", "roleArn", "queue", "bucket", "dataPrefix", "dataUri", "eventLogUri", "containerLogUri",
    "sharedReadUris", "historyServerUrl", "sparkConf", "sparkApplicationDefaults", "access",
] as const satisfies readonly (keyof TeamContract)[];

/** Every stack output of the platform that belongs to the contract. */
export interface PlatformOutputs {
    readonly contractVersion: string;
    readonly region: string;
    readonly clusterName: string;
    readonly clusterEndpoint: string;
    /** Kubeconfig JSON (secret). Uses `aws eks get-token`, so callers need AWS credentials with cluster access. */
    readonly kubeconfig: string;
    readonly oidcProviderArn: string;
    readonly oidcProviderUrl: string;
    /** The OTLP endpoints team pods may send telemetry to (their NetworkPolicies allow it). */
    readonly otlpEndpoints: OtlpEndpoints;
    /** Team name → in-cluster History Server URL (one History Server per team). */
    readonly historyServerUrl: Record<string, string>;
    /** Image name (e.g. "spark") → repository URL, without tag. */
    readonly imageRepositories: Record<string, string>;
    /**
     * The platform Spark image, pinned by digest (`<repository>:<tag>@sha256:<digest>`): the image the platform
     * built and pushed (or the external image it was told to use), the one its History Servers run. Since 2.1.0.
     */
    readonly sparkImage: string;
    /** The Spark release in {@link sparkImage}, e.g. "4.1.2" (the SparkApplication's `sparkVersion`, the examples jar's name). Since 2.1.0. */
    readonly sparkVersion: string;
    readonly teams: Record<string, TeamContract>;
}

/** The output names, in a fixed order. */
export const CONTRACT_OUTPUT_KEYS = [
    "contractVersion", "region", "clusterName", "clusterEndpoint", "kubeconfig", "oidcProviderArn", "oidcProviderUrl",
    "otlpEndpoints", "historyServerUrl", "imageRepositories", "sparkImage", "sparkVersion", "teams",
] as const satisfies readonly (keyof PlatformOutputs)[];

/** Outputs that are published as secrets. */
export const SECRET_OUTPUT_KEYS: readonly (keyof PlatformOutputs)[] = ["kubeconfig"];

/** Each contract value as a typed Output. */
export type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

// ---------------------------------------------------------------------------------------------
// Platform side
// ---------------------------------------------------------------------------------------------

/** The per-team values the platform has for a team; a `Team` component satisfies this shape. */
export type TeamSource = { readonly [K in Exclude<keyof TeamContract, "access" | "historyServerUrl" | "sparkConf">]: pulumi.Input<TeamContract[K]> } & {
    readonly teamName: string;
    readonly sparkDefaults: pulumi.Input<Record<string, string>>;
    readonly access: TeamAccess;
};

export interface ContractSources {
    readonly region: pulumi.Input<string>;
    readonly cluster: {
        readonly name: pulumi.Input<string>;
        readonly endpoint: pulumi.Input<string>;
        /** Kubeconfig as JSON text or as an object (it is serialized); always published as a secret. */
        readonly kubeconfig: pulumi.Input<string | Record<string, unknown>>;
        readonly oidcProviderArn: pulumi.Input<string>;
        readonly oidcProviderUrl: pulumi.Input<string>;
    };
    readonly otlpEndpoints: OtlpEndpoints;
    /** Team name → History Server URL; must have exactly one entry per team. */
    readonly historyServerUrls: Readonly<Record<string, pulumi.Input<string>>>;
    readonly imageRepositories: Readonly<Record<string, pulumi.Input<string>>>;
    /** The platform Spark image reference, pinned by digest, and the Spark release in it. */
    readonly sparkImage: pulumi.Input<string>;
    readonly sparkVersion: pulumi.Input<string>;
    readonly teams: readonly TeamSource[];
}

/**
 * Assembles the platform's contract outputs. Throws when the teams and History Server URLs do not
 * match one to one, or a team appears twice.
 */
export function buildContractOutputs(src: ContractSources): Outputs<PlatformOutputs> {
    const names = src.teams.map((t) => t.teamName);
    const problems: string[] = [];
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    if (dupes.length > 0) {
        problems.push(`teams lists ${[...new Set(dupes)].map((d) => `"${d}"`).join(", ")} more than once`);
    }
    for (const n of names) {
        if (!(n in src.historyServerUrls)) {
            problems.push(`historyServerUrls has no entry for team "${n}"`);
        }
    }
    for (const n of Object.keys(src.historyServerUrls)) {
        if (!names.includes(n)) {
            problems.push(`historyServerUrls has an entry for "${n}", which is not a team`);
        }
    }
    if (problems.length > 0) {
        throw new Error(`buildContractOutputs: ${problems.join("; ")}`);
    }

    const teams: Record<string, pulumi.Output<TeamContract>> = {};
    for (const t of src.teams) {
        teams[t.teamName] = pulumi.all({
            namespace: t.namespace, serviceAccount: t.serviceAccount, roleArn: t.roleArn, queue: t.queue, bucket: t.bucket,
            dataPrefix: t.dataPrefix, dataUri: t.dataUri, eventLogUri: t.eventLogUri, containerLogUri: t.containerLogUri,
            sharedReadUris: t.sharedReadUris, historyServerUrl: src.historyServerUrls[t.teamName], sparkConf: t.sparkDefaults,
            sparkApplicationDefaults: t.sparkApplicationDefaults,
        }).apply((v) => ({ ...(v as unknown as Omit<TeamContract, "access">), sparkConf: { ...(v.sparkConf as Record<string, string>) }, access: t.access }));
    }
    const kubeconfig = pulumi.output(src.cluster.kubeconfig).apply((k: string | Record<string, unknown>) => (typeof k === "string" ? k : JSON.stringify(k)));
    return {
        contractVersion: pulumi.output(CONTRACT_VERSION),
        region: pulumi.output(src.region),
        clusterName: pulumi.output(src.cluster.name),
        clusterEndpoint: pulumi.output(src.cluster.endpoint),
        kubeconfig: pulumi.secret(kubeconfig),
        oidcProviderArn: pulumi.output(src.cluster.oidcProviderArn),
        oidcProviderUrl: pulumi.output(src.cluster.oidcProviderUrl),
        otlpEndpoints: pulumi.output(src.otlpEndpoints),
        historyServerUrl: pulumi.output(src.historyServerUrls as Record<string, pulumi.Input<string>>) as pulumi.Output<Record<string, string>>,
        imageRepositories: pulumi.output(src.imageRepositories as Record<string, pulumi.Input<string>>) as pulumi.Output<Record<string, string>>,
        sparkImage: pulumi.output(src.sparkImage),
        sparkVersion: pulumi.output(src.sparkVersion),
        teams: pulumi.output(teams) as pulumi.Output<Record<string, TeamContract>>,
    };
}

// ---------------------------------------------------------------------------------------------
// App side
// ---------------------------------------------------------------------------------------------

/** `[major, minor]` of a semver string, or undefined when it is not `MAJOR.MINOR.PATCH`. */
function versionOf(version: unknown): [number, number] | undefined {
    const m = typeof version === "string" ? /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version) : null;
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Major version of a semver string, or undefined when it is not `MAJOR.MINOR.PATCH`. */
export function majorOf(version: unknown): number | undefined {
    return versionOf(version)?.[0];
}

/** Throws when the platform's contract (same major) predates the minor version that added `output`. */
export function assertOutputPublished(published: unknown, output: keyof PlatformOutputs, stack: string): void {
    const since = OUTPUTS_SINCE[output];
    const [got, need] = [versionOf(published), versionOf(since)];
    if (need && got && got[0] === need[0] && got[1] < need[1]) {
        throw new Error(`Platform stack "${stack}" publishes contract ${published}, which has no "${output}" (added in contract ${since}); upgrade the platform stack, or do not read ${output}.`);
    }
}

/** Throws a clear error unless `published` is a contract version this code can read. */
export function assertCompatibleContract(published: unknown, stack: string, expected: string = CONTRACT_VERSION): void {
    const want = majorOf(expected);
    const got = majorOf(published);
    if (got === undefined) {
        throw new Error(`Platform stack "${stack}" publishes contractVersion ${JSON.stringify(published)}, which is not a semver version; is it a Moka platform stack?`);
    }
    if (got !== want) {
        const hint = got > want!
            ? "copy the newer contract/index.ts from the platform repository and adapt this program"
            : "this program expects a newer platform; upgrade the platform stack or pin an older contract/index.ts";
        throw new Error(`Platform stack "${stack}" publishes contract ${published}, but this program was built against contract ${expected} (major ${want}); ${hint}.`);
    }
}

/** Picks one team's contract, with a clear error when the platform does not know the team. */
export function pickTeam(teams: Record<string, TeamContract>, team: string, stack: string): TeamContract {
    if (!Object.prototype.hasOwnProperty.call(teams ?? {}, team)) {
        const known = Object.keys(teams ?? {}).sort();
        throw new Error(`Team "${team}" is not defined in platform stack "${stack}"; it has: ${known.length > 0 ? known.join(", ") : "no teams"}.`);
    }
    return teams[team];
}

/**
 * Typed, version-checked view of a platform stack's outputs. Outputs are created on first use, so a
 * program only depends on (and can only fail on) the outputs it reads. Every Output fails with a clear
 * message when the platform's contract major version differs from {@link CONTRACT_VERSION}; a failed
 * Output fails the Pulumi program with that message.
 */
export class PlatformReference implements Outputs<PlatformOutputs> {
    /** The underlying StackReference. */
    public readonly stackReference: pulumi.StackReference;
    public readonly stackName: string;
    private readonly cache = new Map<keyof PlatformOutputs, pulumi.Output<unknown>>();

    /**
     * @param stackName fully qualified platform stack, e.g. "acme/moka/prod".
     * @param resourceName name of the StackReference resource. Defaults to "platform".
     */
    constructor(stackName: string, resourceName = "platform", opts?: pulumi.CustomResourceOptions) {
        if (!/^[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(stackName)) {
            throw new Error(`PlatformReference: stackName "${stackName}" must be fully qualified as <org>/<project>/<stack>, e.g. "acme/moka/prod"`);
        }
        this.stackName = stackName;
        this.stackReference = new pulumi.StackReference(resourceName, { name: stackName }, opts);
    }

    /** The published contract version, after the compatibility check. */
    public get contractVersion(): pulumi.Output<string> {
        return this.memo("contractVersion", () => this.stackReference.requireOutput("contractVersion").apply((v) => {
            assertCompatibleContract(v, this.stackName);
            return v as string;
        }));
    }
    public get region(): pulumi.Output<string> { return this.checked("region"); }
    public get clusterName(): pulumi.Output<string> { return this.checked("clusterName"); }
    public get clusterEndpoint(): pulumi.Output<string> { return this.checked("clusterEndpoint"); }
    /** Secret. */
    public get kubeconfig(): pulumi.Output<string> { return this.checked("kubeconfig"); }
    public get oidcProviderArn(): pulumi.Output<string> { return this.checked("oidcProviderArn"); }
    public get oidcProviderUrl(): pulumi.Output<string> { return this.checked("oidcProviderUrl"); }
    public get otlpEndpoints(): pulumi.Output<OtlpEndpoints> { return this.checked("otlpEndpoints"); }
    public get historyServerUrl(): pulumi.Output<Record<string, string>> { return this.checked("historyServerUrl"); }
    public get imageRepositories(): pulumi.Output<Record<string, string>> { return this.checked("imageRepositories"); }
    /** The platform Spark image pinned by digest, and its Spark release (contract 2.1.0 and later). */
    public get sparkImage(): pulumi.Output<string> { return this.checked("sparkImage"); }
    public get sparkVersion(): pulumi.Output<string> { return this.checked("sparkVersion"); }
    public get teams(): pulumi.Output<Record<string, TeamContract>> { return this.checked("teams"); }

    private memo<K extends keyof PlatformOutputs>(key: K, make: () => pulumi.Output<PlatformOutputs[K]>): pulumi.Output<PlatformOutputs[K]> {
        let out = this.cache.get(key);
        if (!out) {
            out = make();
            this.cache.set(key, out);
        }
        return out as pulumi.Output<PlatformOutputs[K]>;
    }

    private checked<K extends Exclude<keyof PlatformOutputs, "contractVersion">>(key: K): pulumi.Output<PlatformOutputs[K]> {
        return this.memo(key, () => {
            // An output added in a minor version is read without `requireOutput`, so an older platform gets a message naming the versions.
            const raw = key in OUTPUTS_SINCE ? this.stackReference.getOutput(key) : this.stackReference.requireOutput(key);
            const value = pulumi.all([this.contractVersion, raw]).apply(([version, v]) => {
                assertOutputPublished(version, key, this.stackName);
                return v as PlatformOutputs[K];
            });
            return (SECRET_OUTPUT_KEYS as readonly string[]).includes(key) ? pulumi.secret(value) as pulumi.Output<PlatformOutputs[K]> : value;
        });
    }

    /** One team's contract as typed Outputs; they fail with a clear error when the team is unknown. */
    public team(name: string): Outputs<TeamContract> {
        const t = this.teams.apply((teams) => pickTeam(teams, name, this.stackName));
        const empty: Partial<TeamContract> = { sharedReadUris: [], sparkConf: {} };
        return Object.fromEntries(TEAM_FIELDS.map((k) => [k, t.apply((x) => x[k] ?? empty[k])])) as unknown as Outputs<TeamContract>;
    }

    /** An image repository URL by name (e.g. "spark"), failing clearly when the platform has none. */
    public imageRepository(image: string): pulumi.Output<string> {
        return this.imageRepositories.apply((repos) => {
            const url = repos?.[image];
            if (!url) {
                throw new Error(`Platform stack "${this.stackName}" publishes no image repository "${image}"; it has: ${Object.keys(repos ?? {}).sort().join(", ") || "none"}.`);
            }
            return url;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// SparkApplication defaults
// ---------------------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `spec` on top of the platform's `defaults`: objects merge key by key (so `sparkConf`, `driver`,
 * `executor`, annotations and node selectors keep the platform's entries and add the app's), any other
 * value of the app replaces the default. Pure.
 */
export function withPlatformDefaults<T extends Record<string, unknown>>(defaults: SparkApplicationDefaults, spec: T): Record<string, unknown> & T {
    const merge = (base: unknown, over: unknown): unknown => {
        if (!isPlainObject(base) || !isPlainObject(over)) {
            return over === undefined ? base : over;
        }
        const out: Record<string, unknown> = { ...base };
        for (const [k, v] of Object.entries(over)) {
            out[k] = merge(base[k], v);
        }
        return out;
    };
    return merge(defaults, spec) as Record<string, unknown> & T;
}
