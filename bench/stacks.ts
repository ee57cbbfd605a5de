/**
 * Stacks for the AnalyzeStack scaling benchmark, built from the policy fuzzer's fixture table
 * (tests/policies/fuzz/fixtures.ts: one realistic, valid wire-shape fixture per resource type the
 * packs handle), so the benchmark and the fuzzer share one set of fixtures. This file only arranges
 * them into a deterministic stack.
 *
 * A stack is the two providers (as resources), a shared ECR repository and a ClusterRole, then one
 * "team bundle" per tenant, cut to exactly `n` resources. A bundle is a `moka:tenancy:Team` component
 * with the tenant's objects under it (namespace, quota, limit range, two network policies, service
 * account, Role/RoleBinding, KMS key, bucket + public access block, log group, IAM role + inline and
 * managed policies, Pod Identity association, security group, EC2NodeClass + NodePool, Deployment,
 * two SparkApplications), with the property dependencies the engine records between them. A few
 * bundles carry deliberate violations (an `edit` RoleBinding, a weak public access block, a foreign
 * queue) so the reporting paths run too.
 *
 * The default environment is `dev`: the non-prod stack policy (nonprod-no-prod-references) then
 * scans every property of every resource, the most expensive AnalyzeStack path.
 */
import type { AnalyzerResource } from "../preview/analyze";
import { Ctx, Props, TYPES_BY_NAME } from "../tests/policies/fuzz/fixtures";

export interface StackOptions {
    /** Stack name in URNs, the environment tag and names. Defaults to "dev". */
    readonly environment?: string;
    /** AWS account id (not one of policies/config/dev's prod accounts). Defaults to "222222222222". */
    readonly accountId?: string;
    /** AWS region. Defaults to "us-west-2". */
    readonly region?: string;
}

type Provider = NonNullable<AnalyzerResource["provider"]>;

type Stack = ReturnType<typeof makeStack>;

/** The fixture of `type` for `ctx`, JSON-document paths as the JSON strings the engine sends. */
function fixture(type: string, ctx: Ctx, overrides: Props = {}): Props {
    const spec = TYPES_BY_NAME.get(type);
    if (!spec) {
        throw new Error(`no fixture for ${type} in tests/policies/fuzz/fixtures.ts`);
    }
    const props: Props = { ...spec.base(ctx), ...overrides };
    for (const jsonPath of spec.jsonPaths ?? []) {
        const parent = jsonPath.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string | number, unknown> | undefined)?.[k], props) as Record<string | number, unknown> | undefined;
        const last = jsonPath[jsonPath.length - 1];
        if (typeof parent?.[last] === "object" && parent[last] !== null) {
            parent[last] = JSON.stringify(parent[last]);
        }
    }
    return props;
}

function resource(s: Stack, type: string, name: string, properties: Props, opts: { parent?: AnalyzerResource; deps?: Record<string, readonly AnalyzerResource[]>; protect?: boolean } = {}): AnalyzerResource {
    const propertyDependencies: Record<string, string[]> = Object.fromEntries(Object.keys(properties).map((k) => [k, []]));
    for (const [k, rs] of Object.entries(opts.deps ?? {})) {
        propertyDependencies[k] = rs.map((r) => r.urn);
    }
    const kind = TYPES_BY_NAME.get(type)?.provider;
    return {
        urn: `urn:pulumi:${s.env}::moka::${opts.parent ? `${opts.parent.type}$` : ""}${type}::${name}`,
        type,
        name,
        properties,
        parent: opts.parent?.urn,
        protect: opts.protect ?? false,
        dependencies: [...new Set(Object.values(propertyDependencies).flat())],
        propertyDependencies,
        provider: kind ? s.providers[kind] : undefined,
    };
}

function makeStack(opts: StackOptions) {
    const env = opts.environment ?? "dev";
    const account = opts.accountId ?? "222222222222";
    const region = opts.region ?? "us-west-2";
    const ctx: Ctx = {
        ns: "default", otherNs: "kube-system", name: `moka-${env}`, bucket: `moka-${env}-data-${account}`, account, region, env, sa: "spark",
        image: `${account}.dkr.ecr.${region}.amazonaws.com/moka-${env}/spark:4.1.2`, role: `moka-${env}-platform`,
    };
    const provider = (type: string, name: string, props: Props): Provider => ({ urn: `urn:pulumi:${env}::moka::${type}::${name}`, type, name, properties: props });
    const { namespace: _cluster, ...k8sProps } = fixture("pulumi:providers:kubernetes", ctx); // cluster-wide: no default namespace
    return {
        env,
        ctx,
        providers: { aws: provider("pulumi:providers:aws", "aws", fixture("pulumi:providers:aws", ctx)), kubernetes: provider("pulumi:providers:kubernetes", "cluster-k8s", k8sProps) },
    };
}

/** Stack-wide resources: the two providers (as resources), a shared ECR repository and a read-only ClusterRole. */
function sharedResources(s: Stack): AnalyzerResource[] {
    const asResource = (p: Provider): AnalyzerResource => ({ ...resource(s, p.type, p.name, p.properties), urn: p.urn });
    return [
        asResource(s.providers.aws),
        asResource(s.providers.kubernetes),
        resource(s, "aws:ecr/repository:Repository", "images-spark", fixture("aws:ecr/repository:Repository", { ...s.ctx, name: "spark" })),
        resource(s, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "platform-viewer", fixture("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", { ...s.ctx, name: "viewer" })),
    ];
}

/** Resources per team bundle (see teamBundle). */
export const BUNDLE_SIZE = 23;

/** One tenant's resources, as the Team component and an app-team stack would create them. */
function teamBundle(s: Stack, i: number): AnalyzerResource[] {
    const team = `team-${String(i).padStart(5, "0")}`;
    const c: Ctx = {
        ...s.ctx, ns: team, otherNs: "team-00000", name: team, bucket: `moka-${s.env}-${team}-data-${s.ctx.account}`,
        image: `${s.ctx.image}-r${i % 7}`, role: `moka-${s.env}-team-${team}`,
    };
    const comp = resource(s, "moka:tenancy:Team", team, {});
    const out: AnalyzerResource[] = [comp];
    const add = (type: string, name: string, props: Props, opts: Parameters<typeof resource>[4] = {}) => {
        const r = resource(s, type, `${team}-${name}`, props, { parent: comp, ...opts });
        out.push(r);
        return r;
    };
    const ns = add("kubernetes:core/v1:Namespace", "namespace", fixture("kubernetes:core/v1:Namespace", c));
    const inNs = { deps: { metadata: [ns] } };
    add("kubernetes:core/v1:ResourceQuota", "quota", fixture("kubernetes:core/v1:ResourceQuota", { ...c, name: "team-quota" }), inNs);
    add("kubernetes:core/v1:LimitRange", "limits", fixture("kubernetes:core/v1:LimitRange", { ...c, name: "team-limits" }), inNs);
    add("kubernetes:networking.k8s.io/v1:NetworkPolicy", "netpol-default-deny", fixture("kubernetes:networking.k8s.io/v1:NetworkPolicy", { ...c, name: "default-deny" }), inNs);
    add("kubernetes:networking.k8s.io/v1:NetworkPolicy", "netpol-dns-egress", fixture("kubernetes:networking.k8s.io/v1:NetworkPolicy", { ...c, name: "dns-egress", sa: "app" }), inNs);
    const sa = add("kubernetes:core/v1:ServiceAccount", "spark-sa", fixture("kubernetes:core/v1:ServiceAccount", c), inNs);
    const role = add("kubernetes:rbac.authorization.k8s.io/v1:Role", "spark-role", fixture("kubernetes:rbac.authorization.k8s.io/v1:Role", { ...c, name: "spark-driver" }), inNs);
    // Every 40th team binds the built-in `edit` ClusterRole (an isolation violation).
    const edit = i % 40 === 39;
    const binding = fixture("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", { ...c, name: "spark-driver" });
    add("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "spark-rolebinding", edit ? { ...binding, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" } } : binding,
        { deps: { metadata: [ns], roleRef: edit ? [] : [role], subjects: [sa, ns] } });

    const key = add("aws:kms/key:Key", "key", fixture("aws:kms/key:Key", c), { protect: true });
    const bucket = add("aws:s3/bucket:Bucket", "data", fixture("aws:s3/bucket:Bucket", c), { protect: true });
    // Every 50th team's public access block leaves one flag off (a security violation).
    add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data-public-access",
        fixture("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", c, { restrictPublicBuckets: i % 50 !== 49 }), { deps: { bucket: [bucket] } });
    add("aws:cloudwatch/logGroup:LogGroup", "logs", fixture("aws:cloudwatch/logGroup:LogGroup", c), { deps: { kmsKeyId: [key] } });
    const iamRole = add("aws:iam/role:Role", "role", fixture("aws:iam/role:Role", c));
    add("aws:iam/rolePolicy:RolePolicy", "access", fixture("aws:iam/rolePolicy:RolePolicy", c, { role: c.role }), { deps: { role: [iamRole], policy: [bucket, key] } });
    add("aws:iam/policy:Policy", "logs-policy", fixture("aws:iam/policy:Policy", c, { name: `${c.role}-logs` }));
    add("aws:eks/podIdentityAssociation:PodIdentityAssociation", "pod-identity", fixture("aws:eks/podIdentityAssociation:PodIdentityAssociation", c),
        { deps: { roleArn: [iamRole], namespace: [ns], serviceAccount: [sa] } });
    add("aws:ec2/securityGroup:SecurityGroup", "sg", fixture("aws:ec2/securityGroup:SecurityGroup", c));

    const pool = { ...c, name: `${team}-${i % 3 === 2 ? "x86" : "graviton"}` };
    const nodeClass = add("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "nodeclass", fixture("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", pool));
    // Small per-team pools (16 vCPU): the cost pack's stack-wide ceiling passes until ~45 teams.
    const nodePool = fixture("kubernetes:karpenter.sh/v1:NodePool", pool);
    nodePool.spec = { ...(nodePool.spec as Props), limits: { cpu: "16", memory: "64Gi" } };
    add("kubernetes:karpenter.sh/v1:NodePool", "nodepool", nodePool, { deps: { spec: [nodeClass] } });
    add("kubernetes:apps/v1:Deployment", "api", fixture("kubernetes:apps/v1:Deployment", { ...c, name: "feature-api" }), inNs);
    for (const job of ["daily-features", "hourly-rollup"]) {
        const app = fixture("kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", { ...c, name: job });
        // Every 25th team's hourly job names another team's queue (an isolation violation).
        if (job === "hourly-rollup" && i % 25 === 24) {
            const spec = app.spec as Props;
            app.spec = { ...spec, batchSchedulerOptions: { queue: "root.team-00000" } };
        }
        add("kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", job, app, inNs);
    }
    if (out.length !== BUNDLE_SIZE) {
        throw new Error(`teamBundle produced ${out.length} resources, BUNDLE_SIZE is ${BUNDLE_SIZE}`);
    }
    return out;
}

/**
 * Exactly `n` resources (n ≥ 4): the shared resources, then team bundles, the last one cut short.
 * Deterministic: the same `n` and options always give the same stack.
 */
export function generateStack(n: number, opts: StackOptions = {}): AnalyzerResource[] {
    if (!Number.isInteger(n) || n < 4) {
        throw new Error(`generateStack: n must be an integer >= 4, got ${n}`);
    }
    const s = makeStack(opts);
    const out = sharedResources(s);
    for (let i = 0; out.length < n; i++) {
        out.push(...teamBundle(s, i));
    }
    return out.slice(0, n);
}

/** Count of resources by type (for the report). */
export function typeMix(resources: readonly AnalyzerResource[]): Record<string, number> {
    const mix: Record<string, number> = {};
    for (const r of resources) {
        mix[r.type] = (mix[r.type] ?? 0) + 1;
    }
    return mix;
}
