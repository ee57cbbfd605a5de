/**
 * Pack bugs found by the policy fuzzer (tests/policies/fuzz.spec.ts), each with its root cause as
 * read in the rule code and a minimal counterexample (B concrete, P = B with unknowns).
 *
 *   KNOWN_BUGS: open. `skip: true` turns the regression into an `it.skip` and makes the general
 *     "unknowns never add a mandatory violation" property ignore that policy's added violations when
 *     a replaced value matches `trigger`. After fixing the pack, set `skip: false` (or move the entry
 *     to FIXED_BUGS): the regression then runs and must pass, and the property checks the case again.
 *     FUZZ_OPEN_BUGS=1 runs the skipped regressions (they fail while the bug is open).
 *   FIXED_BUGS: security-pack bugs fixed in policies/security/rules/{s3,supply-chain}.ts; regressions.
 */
import type { AnalyzerResource } from "../../../preview/analyze";
import { UNKNOWN } from "../../../preview/analyze";
import type { Path } from "./tree";

export interface KnownBug {
    readonly id: string;
    /** The policy (or policies sharing the root cause) that reports the violation. */
    readonly policy: string | readonly string[];
    /**
     * Which replaced value sets the bug off: the type of the resource (or provider) holding it and its
     * path in that resource's properties. The general property ignores the policy's added violations
     * only when one of the replaced values triggers an open bug, so other bugs of the policy still show.
     */
    readonly trigger: (type: string, path: Path) => boolean;
    readonly skip: boolean;
    readonly note: string;
    /** The minimal counterexample: B (concrete) and P (B with unknowns). */
    readonly base: () => AnalyzerResource[];
    readonly withUnknown: () => AnalyzerResource[];
    readonly config?: string;
}

export const urn = (type: string, name: string) => `urn:pulumi:dev::moka::${type}::${name}`;
const NAMESPACE = "kubernetes:core/v1:Namespace";
const AWS_PROVIDER = "pulumi:providers:aws";
const K8S_PROVIDER = "pulumi:providers:kubernetes";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const IAM_ROLE = "aws:iam/role:Role";
const NODE_POOL_TYPES = ["kubernetes:karpenter.sh/v1:NodePool", "kubernetes:karpenter.sh/v1beta1:NodePool"];
export const BUCKET = "aws:s3/bucket:Bucket";
export const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const ECR_REPO = "aws:ecr/repository:Repository";
export const ALL_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
export const ECR_111 = "111111111111.dkr.ecr.us-west-2.amazonaws.com/app:1.0";
export const ECR_222 = "222222222222.dkr.ecr.us-west-2.amazonaws.com/app:1.0";

export const KNOWN_BUGS: readonly KnownBug[] = [
    {
        // Root cause: policies/lib/tenancy.ts buildNamespaceIndex maps an unknown metadata.name to
        // `name: undefined`, and tenant-namespace-guardrails treats `name === undefined` as an
        // auto-named (hence tenant) namespace. A platform namespace whose name is only known after
        // apply is then flagged for missing tenant guardrails. Unknown names must be "cannot tell"
        // (note + rethrow), not "auto-named"; auto-named means metadata.name is absent.
        id: "ISO-1",
        policy: "tenant-namespace-guardrails",
        trigger: at(NAMESPACE, "metadata", "name"),
        skip: false,
        note: "an unknown Namespace name is taken for an auto-named tenant namespace",
        base: () => [{ urn: urn(NAMESPACE, "ns"), type: NAMESPACE, name: "ns", properties: { metadata: { name: "spark-operator" } } }],
        withUnknown: () => [{ urn: urn(NAMESPACE, "ns"), type: NAMESPACE, name: "ns", properties: { metadata: { name: UNKNOWN } } }],
    },
    {
        // Root cause: policies/lib/environment.ts stackEnvironment skips a provider whose defaultTags
        // are unknown (peekedDefaultTagsEnv returns undefined) and then falls back to the votes of
        // resource tags. With the provider saying "production" the rule stays silent; with its tags
        // unknown the resources' own `environment: dev` tags win and every prod-looking string is
        // flagged. An unknown vote at a tier must stop detection at that tier (environment unknown →
        // note + rethrow), not fall through to a lower tier (same for an unknown resource tag in the
        // tag tier, which can flip a majority).
        id: "ISO-2",
        policy: "nonprod-no-prod-references",
        trigger: anyOf(at(AWS_PROVIDER, "defaultTags"), at("*", "tags"), at("*", "metadata", "labels")),
        skip: false,
        note: "an unknown provider defaultTags lets resource tags decide the environment",
        base: () => [bucketObject({ tags: { environment: "Production" } })],
        withUnknown: () => [bucketObject(UNKNOWN)],
    },
    {
        // Root cause: policies/lib/tenancy.ts namespaceRef falls back to "default" when the object has
        // no metadata.namespace and its Kubernetes provider's `namespace` is unknown (the unknown is
        // treated like an absent value). Guardrails created through a provider bound to the tenant
        // namespace are then counted for "default", and the tenant namespace is flagged; the same
        // helper puts RoleBindings and workloads in "default" for tenant-rbac-namespace-scoped and
        // tenant-service-accounts-own-namespace. An unknown provider namespace must yield
        // `{ unknown: true }` like an unknown metadata.namespace.
        id: "ISO-3",
        policy: ["tenant-namespace-guardrails", "tenant-rbac-namespace-scoped", "tenant-service-accounts-own-namespace"],
        trigger: at(K8S_PROVIDER, "namespace"),
        skip: false,
        note: "an unknown Kubernetes provider namespace is taken for \"default\"",
        base: () => guardedNamespace({ providerNamespace: "team-a" }),
        withUnknown: () => guardedNamespace({ providerNamespace: UNKNOWN }),
    },
    {
        // Root cause: policies/lib/tenancy.ts isDefaultDenyIngress only checks spec.podSelector,
        // spec.policyTypes and spec.ingress themselves for unknowns. An unknown INSIDE the selector
        // (podSelector.matchLabels or .matchExpressions) makes isEmptySelector return false, so the
        // policy is judged "not default-deny" (a definite answer) and the namespace is flagged.
        // isEmptySelector must return undefined (unknown) when matchLabels/matchExpressions are unknown.
        id: "ISO-4",
        policy: "tenant-namespace-guardrails",
        trigger: at(NETWORK_POLICY, "spec", "podSelector"),
        skip: false,
        note: "an unknown podSelector.matchLabels makes a default-deny NetworkPolicy count as missing",
        base: () => guardedNamespace({ podSelector: { matchLabels: {} } }),
        withUnknown: () => guardedNamespace({ podSelector: { matchLabels: UNKNOWN } }),
    },
    {
        // Root cause: policies/isolation/rules/service-accounts.ts indexes IAM roles with
        // `team = knownString(tags.team)`: an unknown team tag becomes "no tag", and foreignRole then
        // falls back to the role NAME ("moka-dev-team-team-b" → team-b). A role tagged for the
        // association's own namespace is then called another team's role. An unknown team tag must
        // make the role's owner unknown (note + rethrow), not fall through to name matching.
        id: "ISO-5",
        policy: "tenant-service-accounts-own-namespace",
        trigger: at(IAM_ROLE, "tags"),
        skip: false,
        note: "an unknown team tag on an IAM role falls back to matching the role name",
        base: () => podIdentity("team-a"),
        withUnknown: () => podIdentity(UNKNOWN),
    },
    {
        // Root cause: policies/isolation/rules/service-accounts.ts builds saNamespaces only from
        // ServiceAccounts whose name AND namespace are known. A ServiceAccount "spark" whose namespace
        // (or name) is unknown is left out, so a workload in that very namespace using "spark" is
        // reported as using an SA "defined in team-a but not in team-c". When any stack SA has an
        // unknown name/namespace, "not defined in its own namespace" cannot be concluded for the
        // names it might carry (note + rethrow).
        id: "ISO-6",
        policy: "tenant-service-accounts-own-namespace",
        trigger: anyOf(at(SERVICE_ACCOUNT, "metadata", "namespace"), at(SERVICE_ACCOUNT, "metadata", "name")),
        skip: false,
        note: "a ServiceAccount with an unknown namespace is left out of the index, so its workloads look foreign",
        base: () => sparkServiceAccounts("team-c"),
        withUnknown: () => sparkServiceAccounts(UNKNOWN),
    },
    {
        // Root cause: policies/cost/rules/nodepool-placement.ts skips a NodePool whose weight,
        // taints or requirements are unknown. When that pool was the best-weighted Graviton pool of
        // its taint group, the next Graviton pool becomes the reference and an x86 pool weighted in
        // between is flagged. Advisory by default; shows under any config that raises it. A group with
        // a skipped (unknown) pool must not be judged (note + rethrow).
        id: "COST-1",
        policy: "graviton-pools-preferred",
        trigger: at(NODE_POOL_TYPES, "spec"),
        skip: false,
        config: "strict",
        note: "an unknown weight on the best Graviton pool makes a lower one the reference",
        base: () => gravitonPools(60),
        withUnknown: () => gravitonPools(UNKNOWN),
    },
];

/** Tenant namespace team-a with a ResourceQuota (namespaced through its provider), a LimitRange and a default-deny NetworkPolicy. */
function guardedNamespace(opts: { providerNamespace?: unknown; podSelector?: unknown }): AnalyzerResource[] {
    const k8s = { urn: urn(K8S_PROVIDER, "k8s"), type: K8S_PROVIDER, name: "k8s", properties: { namespace: opts.providerNamespace ?? "team-a" } };
    const rq = "kubernetes:core/v1:ResourceQuota";
    const lr = "kubernetes:core/v1:LimitRange";
    return [
        { urn: urn(NAMESPACE, "team-a"), type: NAMESPACE, name: "team-a", properties: { metadata: { name: "team-a", labels: { "moka.dev/tenant": "true", "pod-security.kubernetes.io/enforce": "restricted" } } } },
        { urn: urn(rq, "quota"), type: rq, name: "quota", provider: k8s, properties: { metadata: { name: "quota" }, spec: { hard: { pods: "100" } } } },
        { urn: urn(lr, "limits"), type: lr, name: "limits", properties: { metadata: { name: "limits", namespace: "team-a" }, spec: { limits: [{ type: "Container", default: { memory: "1Gi" } }] } } },
        { urn: urn(NETWORK_POLICY, "deny"), type: NETWORK_POLICY, name: "deny", properties: { metadata: { name: "deny", namespace: "team-a" }, spec: { podSelector: opts.podSelector ?? {}, policyTypes: ["Ingress"] } } },
    ];
}

function podIdentity(team: unknown): AnalyzerResource[] {
    const pia = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
    return [
        { urn: urn(IAM_ROLE, "role"), type: IAM_ROLE, name: "role", properties: { name: "moka-dev-team-team-b", tags: { team } } },
        {
            urn: urn(pia, "assoc"), type: pia, name: "assoc",
            properties: { clusterName: "moka-dev", namespace: "team-a", serviceAccount: "spark", roleArn: "arn:aws:iam::111111111111:role/moka-dev-team-team-b" },
            propertyDependencies: { roleArn: [urn(IAM_ROLE, "role")] },
        },
    ];
}

function sparkServiceAccounts(secondNamespace: unknown): AnalyzerResource[] {
    return [
        { urn: urn(SERVICE_ACCOUNT, "sa-a"), type: SERVICE_ACCOUNT, name: "sa-a", properties: { metadata: { name: "spark", namespace: "team-a" } } },
        { urn: urn(SERVICE_ACCOUNT, "sa-c"), type: SERVICE_ACCOUNT, name: "sa-c", properties: { metadata: { name: "spark", namespace: secondNamespace } } },
        {
            urn: urn(DEPLOYMENT, "job"), type: DEPLOYMENT, name: "job",
            properties: { metadata: { name: "job", namespace: "team-c" }, spec: { template: { spec: { serviceAccountName: "spark", containers: [{ name: "c", image: ECR_111 }] } } } },
        },
    ];
}

function gravitonPools(bestWeight: unknown): AnalyzerResource[] {
    const type = NODE_POOL_TYPES[0];
    const pool = (name: string, arch: string, weight: unknown): AnalyzerResource => ({
        urn: urn(type, name), type, name,
        properties: {
            metadata: { name },
            spec: {
                weight,
                limits: { cpu: "100", memory: "400Gi" },
                template: { spec: { requirements: [{ key: "kubernetes.io/arch", operator: "In", values: [arch] }, { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] }] } },
            },
        },
    });
    return [pool("graviton-a", "arm64", bestWeight), pool("graviton-b", "arm64", 10), pool("x86", "amd64", 20)];
}

/** Security-pack bugs this fuzzer found and that are fixed (policies/security/rules/{s3,supply-chain}.ts): regressions. */
export const FIXED_BUGS: readonly KnownBug[] = [
    {
        id: "SEC-1",
        policy: "s3-bucket-public-access-block",
        trigger: () => false,
        skip: false,
        note: "an AccountPublicAccessBlock with an unknown flag no longer makes every bucket lack a block",
        base: () => [bucket("b", { bucket: "data" }), { urn: urn(ACCOUNT_PAB, "acct"), type: ACCOUNT_PAB, name: "acct", properties: { ...ALL_ON } }],
        withUnknown: () => [bucket("b", { bucket: "data" }), { urn: urn(ACCOUNT_PAB, "acct"), type: ACCOUNT_PAB, name: "acct", properties: { ...ALL_ON, ignorePublicAcls: UNKNOWN } }],
    },
    {
        id: "SEC-2",
        policy: "s3-bucket-public-access-block",
        trigger: () => false,
        skip: false,
        note: "a bucket whose name is unknown is not accused while a block names its bucket by a literal name",
        base: () => [bucket("b", { bucket: "data" }), pab("p", { bucket: "data" })],
        withUnknown: () => [bucket("b", { bucket: UNKNOWN }), pab("p", { bucket: "data" })],
    },
    {
        id: "SEC-3",
        policy: "s3-bucket-public-access-block",
        trigger: () => false,
        skip: false,
        note: "a weak block is not reported while another block's bucket is unknown (it may be this bucket's good block)",
        base: () => [bucket("b", { bucket: "data" }), pab("good", { bucket: "data" }), pab("weak", { bucket: "data", blockPublicAcls: false })],
        withUnknown: () => [bucket("b", { bucket: "data" }), pab("good", { bucket: UNKNOWN }), pab("weak", { bucket: "data", blockPublicAcls: false })],
    },
    {
        id: "SEC-4",
        policy: "image-registry-allowed",
        trigger: () => false,
        skip: false,
        note: "unknown provider allowedAccountIds no longer shrink the approved ECR registries",
        base: () => [awsProvider({ region: "us-west-2", allowedAccountIds: "[\"111111111111\"]" }), ecrRepo({ repositoryUrl: "222222222222.dkr.ecr.us-west-2.amazonaws.com/app" }), deployment(ECR_111)],
        withUnknown: () => [awsProvider({ region: "us-west-2", allowedAccountIds: UNKNOWN }), ecrRepo({ repositoryUrl: "222222222222.dkr.ecr.us-west-2.amazonaws.com/app" }), deployment(ECR_111)],
    },
    {
        id: "SEC-5",
        policy: "image-registry-allowed",
        trigger: () => false,
        skip: false,
        note: "a new ECR repository (URL, ARN and registry id unknown) no longer shrinks the approved registries",
        base: () => [awsProvider({ region: "us-west-2", allowedAccountIds: "[\"111111111111\"]" }), ecrRepo({ repositoryUrl: "222222222222.dkr.ecr.us-west-2.amazonaws.com/app", arn: "arn:aws:ecr:us-west-2:222222222222:repository/app", registryId: "222222222222" }), deployment(ECR_222)],
        withUnknown: () => [awsProvider({ region: "us-west-2", allowedAccountIds: "[\"111111111111\"]" }), ecrRepo({ repositoryUrl: UNKNOWN, arn: UNKNOWN, registryId: UNKNOWN }), deployment(ECR_222)],
    },
    {
        id: "SEC-6",
        policy: "image-registry-allowed",
        trigger: () => false,
        skip: false,
        note: "an unknown provider region no longer drops that region from the approved registries",
        base: () => [awsProvider({ region: "us-west-2", allowedAccountIds: "[\"111111111111\"]" }), awsProvider({ region: "eu-central-1" }, "eu"), deployment("111111111111.dkr.ecr.eu-central-1.amazonaws.com/app:1.0")],
        withUnknown: () => [awsProvider({ region: "us-west-2", allowedAccountIds: "[\"111111111111\"]" }), awsProvider({ region: UNKNOWN }, "eu"), deployment("111111111111.dkr.ecr.eu-central-1.amazonaws.com/app:1.0")],
    },
];

export function bucket(name: string, properties: Record<string, unknown>): AnalyzerResource {
    return { urn: urn(BUCKET, name), type: BUCKET, name, properties };
}

export function pab(name: string, properties: Record<string, unknown>, bucketUrns?: string[]): AnalyzerResource {
    return { urn: urn(PAB, name), type: PAB, name, properties: { ...ALL_ON, ...properties }, propertyDependencies: bucketUrns ? { bucket: bucketUrns } : undefined };
}

export function awsProvider(properties: Record<string, unknown>, name = "default"): AnalyzerResource {
    return { urn: urn(AWS_PROVIDER, name), type: AWS_PROVIDER, name, properties };
}

export function ecrRepo(properties: Record<string, unknown>): AnalyzerResource {
    return { urn: urn(ECR_REPO, "repo"), type: ECR_REPO, name: "repo", properties: { name: "app", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, ...properties } };
}

export function deployment(image: string): AnalyzerResource {
    return {
        urn: urn(DEPLOYMENT, "app"), type: DEPLOYMENT, name: "app",
        properties: { metadata: { name: "app", namespace: "team-a" }, spec: { template: { spec: { containers: [{ name: "app", image }] } } } },
    };
}

function bucketObject(defaultTags: unknown): AnalyzerResource {
    const type = "aws:s3/bucketObjectv2:BucketObjectv2";
    return {
        urn: urn(type, "obj"), type, name: "obj",
        properties: { bucket: "moka-prod-data", key: "a.json", tags: { environment: "dev" } },
        provider: { urn: urn(AWS_PROVIDER, "default"), type: AWS_PROVIDER, name: "default", properties: { region: "us-west-2", defaultTags } },
    };
}

export const OPEN_BUGS = KNOWN_BUGS.filter((b) => b.skip);

export type Replaced = readonly { readonly type: string; readonly path: Path }[];

export function isKnownBug(policy: string, replaced: Replaced): boolean {
    return OPEN_BUGS.some((b) => (typeof b.policy === "string" ? b.policy === policy : b.policy.includes(policy)) && replaced.some((r) => b.trigger(r.type, r.path)));
}

/** A trigger: a value at (or a subtree containing, or inside) `prefix` of a resource of one of `types` ("*": any type). */
function at(types: string | readonly string[], ...prefix: (string | number)[]): (type: string, path: Path) => boolean {
    const list = typeof types === "string" ? [types] : types;
    return (type, path) =>
        (list.includes("*") || list.includes(type)) && prefix.every((k, i) => i >= path.length || path[i] === k);
}

function anyOf(...triggers: ((type: string, path: Path) => boolean)[]): (type: string, path: Path) => boolean {
    return (type, path) => triggers.some((t) => t(type, path));
}
