/**
 * fast-check generators for the policy fuzzer (tests/policies/fuzz.spec.ts).
 *
 *   - `mutationPlanArb` / `applyPlan`: a shrinkable list of edits applied to a base fixture from the
 *     type table (fixtures.ts): properties missing, null, wrong types (number/string/bool/array/object
 *     swaps), values from the rules' own vocabulary ("0.0.0.0/0", "*", "latest", "privileged"…),
 *     single values where arrays belong and vice versa, JSON-encoded objects (as the engine sends
 *     provider inputs), invalid JSON where JSON is expected, extra keys ("__proto__", case variants),
 *     deep nesting, long arrays (hundreds of elements), huge/negative/non-finite numbers, unicode, and,
 *     when allowed, the preview-unknown sentinel at any path.
 *   - `resourceArb`: one AnalyzerResource of a table type (optionally with an AWS / Kubernetes
 *     provider whose inputs have odd shapes, e.g. defaultTags as object, JSON string, list, garbage).
 *   - `stackArb`: whole stacks of random resources drawing names from shared pools, with providers,
 *     parents, dependencies and propertyDependencies pointing at other, missing or garbage URNs.
 *   - `scenarioStackArb`: small stacks of related types sharing one context (S3 buckets and blocks,
 *     tenant namespaces and guardrails/RBAC, workloads/ServiceAccounts/IAM roles, registries, pools,
 *     environments), whose property dependencies point at the resource the value is derived from.
 *   - `unknownPlanArb` / `unknownVariant`: P = B with some existing leaves (or subtrees, or a leaf and
 *     its scalar siblings) of resource properties or provider inputs replaced by the wire sentinel,
 *     for the "unknowns never add mandatory violations" property.
 * Generated stacks keep the invariants the engine guarantees (unique URNs; unique physical names of
 * buckets, namespaces, roles, ClusterRoles and repositories), so property-2 counterexamples are not
 * artifacts of states the engine cannot produce.
 */
import * as fc from "fast-check";
import type { AnalyzerResource } from "../../../preview/analyze";
import { UNKNOWN } from "../../../preview/analyze";
import { Ctx, POOLS, Props, taggableFixture, TYPE_TABLE, TypeSpec } from "./fixtures";
import { clone, countNodes, deleteAt, getAt, isObject, nodes, Path, put, setAt } from "./tree";

export { UNKNOWN };

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** Strings the rules compare against: flipping a leaf to one of these moves a fixture across a rule's boundary. */
export const DOMAIN_STRINGS: readonly string[] = [
    "0.0.0.0/0", "::/0", "0.0.0.0/1", "10.0.0.0/8", "*", "*:*", "s3:*", "iam:*", "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity",
    "Allow", "allow", "Deny", "prod", "production", "dev", "moka-prod-data", "arn:aws:s3:::moka-prod-data/*", "s3a://moka-prod-data/x",
    "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::111111111111:role/moka-dev-team-team-b", "arn:aws:iam::111111111111:root",
    "kube-system", "default", "team-a", "team-b", "ads-ranking", "karpenter", "cluster-admin", "admin", "edit", "view",
    "ClusterRole", "Role", "ServiceAccount", "Group", "User", "system:serviceaccounts", "system:serviceaccounts:team-b",
    "system:serviceaccount:team-b:spark", "system:authenticated", "team-b:spark", "team-b/spark",
    "latest", "nginx", "nginx:latest", "docker.io/library/nginx:1.27", "quay.io/evil/x:1", "111111111111.dkr.ecr.us-west-2.amazonaws.com/app",
    "optional", "required", "disabled", "enabled", "privileged", "baseline", "restricted", "yunikorn", "volcano", "root.team-a", "root.team-b",
    "MUTABLE", "IMMUTABLE", "API", "CONFIG_MAP", "API_AND_CONFIG_MAP", "-1", "all", "tcp", "udp", "icmp", "6", "ingress", "egress",
    "public-read", "public-read-write", "authenticated-read", "private", "http://acs.amazonaws.com/groups/global/AllUsers",
    "true", "false", "True", "yes", "1000", "100000", "64Gi", "1Ti", "500m", "-5", "1e400", "spot", "on-demand", "In", "NotIn", "Exists",
    "DoesNotExist", "Gt", "Lt", "g5", "p5", "inf2", "m7g", "c6i", "x2iedn", "arm64", "amd64", "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-category", "karpenter.k8s.aws/instance-gpu-count", "karpenter.sh/capacity-type", "kubernetes.io/arch",
    "moka.dev/spark-role", "driver", "DELIVERY", "secrets", "api", "audit", "authenticator", "SYMMETRIC_DEFAULT", "RSA_2048", "SIGN_VERIFY",
    "HMAC_256", "cks-1234", "environment", "cost-center", "owner", "moka.dev/tenant", "pod-security.kubernetes.io/enforce",
    "eks.amazonaws.com/role-arn", "StringLike", "StringEquals", "StringEqualsIfExists", "ForAllValues:StringEquals", "aws:PrincipalOrgID",
    "oidc.eks.us-west-2.amazonaws.com/id/X:sub", "^1.2", "~1", "1.x", ">=1.0.0", "1.2", "v1.2.3", "./charts/app", "oci://r/c@sha256:" + "0".repeat(64),
    "/aws/eks/moka-prod/cluster", "/dev/xvda", "", " ", "  \t\n",
];

export const DOMAIN_NUMBERS: readonly number[] = [
    0, -0, 1, 2, 3, 5, 7, 22, 30, 64, 80, 443, 1024, 65535, 65536, 70000, -1, -443, 0.5, 1.0000001, 2 ** 31, 2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1e308, -1e308, 1e21,
    Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
];

const UNICODE: readonly string[] = [
    "ünïcödé", "名前空間", "🚀🔥", "\u202Egnp.exe", "\u0000", "a\u0000b", "\uD800", "\uDFFF\uD800", "a\u0301", "\u200B", "Ω≈ç√∫",
    "ﷺ", "𝕿𝖊𝖆𝖒", "\r\n", "\\", "\"", "'", "${x}", "%s%n", "<script>", "x".repeat(10_000),
];

/** Strings where JSON is expected: unparseable, or parseable with odd shapes. */
export const ODD_JSON: readonly string[] = [
    "{", "[", "}", "{\"Statement\":", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",", "{'a':1}", "undefined", "NaN",
    "not json", "{\"tags\":}", "[1,2", "\"unterminated", "{\"a\":1}}", "\u0000{}", "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"",
    "[]", "{}", "null", "42", "-1", "true", "\"str\"", "[[[]]]",
    "{\"Statement\":\"*\"}", "{\"Statement\":[null,1,\"x\",[],{}]}", "{\"Statement\":{\"Effect\":\"Allow\"}}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":1,\"Resource\":{\"a\":1},\"Principal\":[\"*\"],\"Condition\":\"x\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\"}]}",
    "{\"statement\":[{\"effect\":\"allow\",\"action\":[\"iam:*\"],\"resource\":[\"*\"]}]}",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"x\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}",
    "{\"tags\":\"x\"}", "{\"tags\":[{\"key\":\"environment\",\"value\":1}]}", "{\"tags\":{\"environment\":{\"a\":1}}}", "[{\"tags\":{\"environment\":\"prod\"}}]",
    "{\"tags\":null}", "[\"111111111111\"]", "[111111111111]", "111111111111,222222222222", "[\"\"]",
    JSON.stringify({ Statement: Array.from({ length: 200 }, (_, i) => ({ Effect: "Allow", Action: `s3:Get${i}`, Resource: `arn:aws:s3:::b/${i}` })) }),
    "{".repeat(500) + "}".repeat(500), "[".repeat(2000),
];

const KEYS: readonly string[] = [
    "", " ", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "length", "0", "Statement", "statement", "EFFECT",
    "Effect", "Action", "NotAction", "NotPrincipal", "Resource", "NotResource", "Principal", "Condition", "tags", "tagsAll", "metadata",
    "spec", "template", "containers", "image", "securityContext", "privileged", "hostNetwork", "hostPath", "namespace", "labels",
    "moka.dev/tenant", "pod-security.kubernetes.io/enforce", "environment", "queue", "yunikorn.apache.org/queue", "ünï", "a.b", "a/b",
    UNKNOWN,
];

/** A plain JSON-ish value of any type (bounded). */
const jsonish: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 }).map((v) => clone(v));

/** Any replacement value the fuzzer writes over a node (never the unknown sentinel). */
export const weirdValueArb: fc.Arbitrary<unknown> = fc.oneof(
    { arbitrary: fc.constant(null), weight: 3 },
    { arbitrary: fc.constantFrom(...DOMAIN_STRINGS), weight: 8 },
    { arbitrary: fc.constantFrom(...DOMAIN_NUMBERS), weight: 3 },
    { arbitrary: fc.boolean(), weight: 3 },
    { arbitrary: fc.constantFrom(...UNICODE), weight: 1 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 24 }), weight: 1 },
    { arbitrary: fc.constantFrom(...ODD_JSON), weight: 2 },
    { arbitrary: fc.double(), weight: 1 },
    { arbitrary: fc.constantFrom<unknown>([], {}, [null], [[]], [{}], ["*"], [0], [true], { "": "" }, { a: null }), weight: 2 },
    { arbitrary: fc.array(fc.constantFrom(...DOMAIN_STRINGS), { maxLength: 4 }), weight: 2 },
    { arbitrary: jsonish, weight: 2 },
);

// ---------------------------------------------------------------------------------------------
// Mutation plans
// ---------------------------------------------------------------------------------------------

export type Op =
    | { readonly kind: "delete"; readonly at: number }
    | { readonly kind: "set"; readonly at: number; readonly value: unknown }
    | { readonly kind: "unknown"; readonly at: number }
    | { readonly kind: "wrap"; readonly at: number }
    | { readonly kind: "unwrap"; readonly at: number }
    | { readonly kind: "stringify"; readonly at: number }
    | { readonly kind: "toString"; readonly at: number }
    | { readonly kind: "breakJson"; readonly at: number; readonly cut: number; readonly garbage: string }
    | { readonly kind: "addKey"; readonly at: number; readonly key: string; readonly value: unknown }
    | { readonly kind: "repeat"; readonly at: number; readonly length: number }
    | { readonly kind: "nest"; readonly at: number; readonly depth: number; readonly asArray: boolean };

export interface PlanOptions {
    /** Allow the preview-unknown sentinel (crash property only). */
    readonly unknown: boolean;
    /** Allow deep nesting and long arrays (expensive; off for the large stack runs). */
    readonly heavy?: boolean;
}

const at = fc.nat({ max: 1_000_000 });

export function opArb(opts: PlanOptions): fc.Arbitrary<Op> {
    const heavy = opts.heavy ?? true;
    const choices: fc.WeightedArbitrary<Op>[] = [
        { weight: 5, arbitrary: at.map((a): Op => ({ kind: "delete", at: a })) },
        { weight: 12, arbitrary: fc.record({ at, value: weirdValueArb }).map((r): Op => ({ kind: "set", ...r })) },
        { weight: 2, arbitrary: at.map((a): Op => ({ kind: "wrap", at: a })) },
        { weight: 2, arbitrary: at.map((a): Op => ({ kind: "unwrap", at: a })) },
        { weight: 2, arbitrary: at.map((a): Op => ({ kind: "stringify", at: a })) },
        { weight: 2, arbitrary: at.map((a): Op => ({ kind: "toString", at: a })) },
        { weight: 2, arbitrary: fc.record({ at, cut: fc.nat({ max: 10_000 }), garbage: fc.constantFrom("", ",", "}", "\"", "\u0000", "]]", " trailing") }).map((r): Op => ({ kind: "breakJson", ...r })) },
        { weight: 3, arbitrary: fc.record({ at, key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), value: weirdValueArb }).map((r): Op => ({ kind: "addKey", ...r })) },
    ];
    if (heavy) {
        choices.push(
            { weight: 1, arbitrary: fc.record({ at, length: fc.integer({ min: 100, max: 400 }) }).map((r): Op => ({ kind: "repeat", ...r })) },
            { weight: 1, arbitrary: fc.record({ at, depth: fc.integer({ min: 16, max: 120 }), asArray: fc.boolean() }).map((r): Op => ({ kind: "nest", ...r })) },
        );
    }
    if (opts.unknown) {
        choices.push({ weight: 6, arbitrary: at.map((a): Op => ({ kind: "unknown", at: a })) });
    }
    return fc.oneof(...choices);
}

export function mutationPlanArb(opts: PlanOptions, maxOps = 5): fc.Arbitrary<Op[]> {
    return fc.array(opArb(opts), { minLength: 0, maxLength: maxOps });
}

/** Node budget: an op that would make the tree larger than this is skipped (keeps runs fast). */
const MAX_NODES = 2500;

function applyOp(root: Record<string, unknown>, op: Op): void {
    const all = nodes(root, { limit: 3000, maxDepth: 40 });
    if (all.length === 0) {
        if (op.kind === "addKey") {
            put(root, op.key, clone(op.value));
        }
        return;
    }
    const { path, value } = all[op.at % all.length];
    switch (op.kind) {
        case "delete":
            deleteAt(root, path);
            return;
        case "set":
            setAt(root, path, clone(op.value));
            return;
        case "unknown":
            setAt(root, path, UNKNOWN);
            return;
        case "wrap":
            setAt(root, path, [value]);
            return;
        case "unwrap":
            if (Array.isArray(value)) {
                setAt(root, path, value.length > 0 ? value[0] : null);
            } else if (isObject(value)) {
                const keys = Object.keys(value);
                setAt(root, path, keys.length > 0 ? value[keys[0]] : null);
            }
            return;
        case "stringify":
            setAt(root, path, typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? "null");
            return;
        case "toString":
            setAt(root, path, typeof value === "object" && value !== null ? "[object Object]" : String(value));
            return;
        case "breakJson": {
            const text = typeof value === "string" ? value : JSON.stringify(value) ?? "";
            setAt(root, path, text.slice(0, text.length === 0 ? 0 : op.cut % text.length) + op.garbage);
            return;
        }
        case "addKey":
            if (isObject(value)) {
                put(value, op.key, clone(op.value));
            } else if (Array.isArray(value)) {
                value.push(clone(op.value));
            } else {
                setAt(root, path, { [op.key]: clone(op.value) });
            }
            return;
        case "repeat": {
            const size = countNodes(value, MAX_NODES);
            const length = Math.min(op.length, Math.max(1, Math.floor(MAX_NODES / Math.max(1, size))));
            const items = Array.isArray(value) && value.length > 0 ? value : [value];
            setAt(root, path, Array.from({ length: Math.max(length, items.length) }, (_, i) => clone(items[i % items.length])));
            return;
        }
        case "nest": {
            let v: unknown = value;
            for (let i = 0; i < op.depth; i++) {
                v = op.asArray ? [v] : { [i % 2 === 0 ? "spec" : "value"]: v };
            }
            setAt(root, path, v);
            return;
        }
    }
}

/** Applies a plan to a copy of `base`. The root stays an object. */
export function applyPlan(base: Props, plan: readonly Op[]): Props {
    const root = clone(base);
    for (const op of plan) {
        const before = countNodes(root, MAX_NODES + 1);
        if (before > MAX_NODES && (op.kind === "repeat" || op.kind === "nest" || op.kind === "addKey")) {
            continue;
        }
        applyOp(root, op);
    }
    return root;
}

/** JSON-document paths of a spec that are objects: send them as the JSON strings providers usually carry. */
export function stringifyJsonPaths(props: Props, spec: TypeSpec | undefined): Props {
    for (const p of spec?.jsonPaths ?? []) {
        const v = getAt(props, p);
        if (typeof v === "object" && v !== null) {
            setAt(props, p, JSON.stringify(v));
        }
    }
    return props;
}

// ---------------------------------------------------------------------------------------------
// Unknown plans (property 2)
// ---------------------------------------------------------------------------------------------

export interface UnknownPlan {
    /** Indexes of the nodes to replace (see `withUnknowns` for how they are resolved). */
    readonly picks: readonly number[];
    /**
     * leaves: existing scalars / empty containers; subtrees: any existing node; siblings: a picked
     * leaf together with every scalar next to it (outputs a provider computes are unknown together,
     * e.g. an ECR repository's repositoryUrl, arn and registryId during its first preview).
     */
    readonly mode: "leaves" | "subtrees" | "siblings";
}

export function unknownPlanArb(maxPicks = 4): fc.Arbitrary<UnknownPlan> {
    return fc.record({
        picks: fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: maxPicks }),
        mode: fc.constantFrom("leaves" as const, "leaves" as const, "subtrees" as const, "siblings" as const),
    });
}

/** Which nodes of `root` an unknown plan may replace: existing leaves (scalars, empty containers), or any node. */
export function unknownCandidates(root: unknown, subtrees: boolean): Path[] {
    return nodes(root, { leavesOnly: !subtrees, limit: 3000, maxDepth: 40 })
        .filter((n) => n.value !== UNKNOWN)
        .map((n) => n.path);
}

/**
 * A copy of `root` with picked existing nodes replaced by the wire sentinel; also returns the paths.
 * With `grouped`, `root` is a list of owners (resources / providers): a pick first chooses an owner,
 * then a node inside it, so small resources are hit as often as large ones.
 */
export function withUnknowns<T>(root: T, plan: UnknownPlan, exclude: (p: Path) => boolean = () => false, grouped = false): { value: T; paths: Path[] } {
    const copy = clone(root);
    const candidates = unknownCandidates(copy, plan.mode === "subtrees").filter((p) => !exclude(p));
    if (candidates.length === 0) {
        return { value: copy, paths: [] };
    }
    const groups = new Map<string | number, Path[]>();
    for (const c of candidates) {
        const key = grouped ? c[0] : 0;
        (groups.get(key) ?? groups.set(key, []).get(key)!).push(c);
    }
    const lists = [...groups.values()];
    let picked: Path[] = plan.picks.map((i) => {
        const list = lists[i % lists.length];
        return list[Math.floor(i / lists.length) % list.length];
    });
    if (plan.mode === "siblings") {
        picked = picked.flatMap((p) => {
            const parent = getAt(copy, p.slice(0, -1));
            if (typeof parent !== "object" || parent === null) {
                return [p];
            }
            const keys: (string | number)[] = Array.isArray(parent) ? parent.map((_, i) => i) : Object.keys(parent);
            return keys
                .map((k) => [...p.slice(0, -1), k] as Path)
                .filter((q) => {
                    const v = getAt(copy, q);
                    return (typeof v !== "object" || v === null) && !exclude(q);
                });
        });
    }
    // Replace deepest first so an ancestor's replacement does not orphan a descendant pick.
    picked = [...new Map(picked.map((p) => [JSON.stringify(p), p])).values()].sort((a, b) => b.length - a.length);
    const done: Path[] = [];
    for (const p of picked) {
        if (done.some((d) => d.length <= p.length && d.every((k, i) => p[i] === k))) {
            continue;
        }
        if (getAt(copy, p) !== undefined) {
            setAt(copy, p, UNKNOWN);
            done.push(p);
        }
    }
    return { value: copy, paths: done };
}

// ---------------------------------------------------------------------------------------------
// Contexts, providers, resources
// ---------------------------------------------------------------------------------------------

export const ctxArb: fc.Arbitrary<Ctx> = fc.record({
    ns: fc.constantFrom(...POOLS.ns),
    otherNs: fc.constantFrom(...POOLS.ns),
    name: fc.constantFrom(...POOLS.name),
    bucket: fc.constantFrom(...POOLS.bucket),
    account: fc.constantFrom(...POOLS.account),
    region: fc.constantFrom(...POOLS.region),
    env: fc.constantFrom(...POOLS.env),
    sa: fc.constantFrom(...POOLS.sa),
    image: fc.constantFrom(...POOLS.image),
    role: fc.constantFrom(...POOLS.role),
});

const STACKS = ["dev", "prod", "test"] as const;

export function urnOf(stack: string, type: string, name: string, parentType?: string): string {
    return `urn:pulumi:${stack}::moka::${parentType ? `${parentType}$` : ""}${type}::${name}`;
}

/** Odd `defaultTags` shapes an AWS provider's inputs can reach an analyzer in. */
export function defaultTagsArb(): fc.Arbitrary<unknown> {
    return fc.tuple(ctxArb, fc.nat({ max: 11 }), weirdValueArb).map(([c, k, w]) => {
        const tags = { "cost-center": "cc-4711", owner: "platform", environment: c.env };
        switch (k) {
            case 0: return JSON.stringify({ tags });
            case 1: return { tags };
            case 2: return JSON.stringify([{ tags }]);
            case 3: return [{ tags }, { tags: { environment: "prod" } }];
            case 4: return JSON.stringify({ tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
            case 5: return { tags: { environment: 1, owner: true, "cost-center": null, nested: { a: 1 } } };
            case 6: return "{\"tags\":{\"environment\":";
            case 7: return null;
            case 8: return { tags: w };
            case 9: return w;
            case 10: return { tags: { environment: UNKNOWN, owner: "platform" } };
            default: return UNKNOWN;
        }
    });
}

export type ProviderRef = NonNullable<AnalyzerResource["provider"]>;

export function awsProviderPropsArb(opts: PlanOptions): fc.Arbitrary<Props> {
    return fc.tuple(ctxArb, defaultTagsArb(), fc.nat({ max: 5 }), mutationPlanArb(opts, 2)).map(([c, defaultTags, ids, plan]) => {
        const allowedAccountIds = [JSON.stringify([c.account]), [c.account], c.account, `${c.account},222222222222`, "[\"0123\"]", 111111111111][ids];
        return applyPlan({ region: c.region, allowedAccountIds, defaultTags, skipCredentialsValidation: "false", version: "7.48.0" }, plan);
    });
}

export function k8sProviderPropsArb(opts: PlanOptions): fc.Arbitrary<Props> {
    return fc.tuple(ctxArb, mutationPlanArb(opts, 2)).map(([c, plan]) => applyPlan({ kubeconfig: "{\"apiVersion\":\"v1\"}", namespace: c.ns, enableServerSideApply: "true" }, plan));
}

export function providerArb(kind: "aws" | "kubernetes", opts: PlanOptions, name = "default"): fc.Arbitrary<ProviderRef> {
    const type = kind === "aws" ? "pulumi:providers:aws" : "pulumi:providers:kubernetes";
    return (kind === "aws" ? awsProviderPropsArb(opts) : k8sProviderPropsArb(opts)).map((properties) => ({
        urn: urnOf("dev", type, name), type, name, properties,
    }));
}

/** Corrupts one of the spec's JSON documents (IAM policies…): an odd/invalid JSON text, or the document's JSON cut short. */
export interface DocCorruption {
    readonly which: number;
    readonly text: string;
    readonly truncate: boolean;
    readonly cut: number;
}

const docCorruptionArb: fc.Arbitrary<DocCorruption | undefined> = fc.option(
    fc.record({ which: fc.nat({ max: 100 }), text: fc.constantFrom(...ODD_JSON), truncate: fc.boolean(), cut: fc.nat({ max: 5000 }) }),
    { freq: 3, nil: undefined },
);

function corruptDoc(props: Props, spec: TypeSpec, c: DocCorruption | undefined): Props {
    const paths = spec.jsonPaths ?? [];
    if (!c || paths.length === 0) {
        return props;
    }
    const p = paths[c.which % paths.length];
    const v = getAt(props, p);
    if (v === undefined) {
        return props;
    }
    const json = typeof v === "string" ? v : JSON.stringify(v) ?? "";
    setAt(props, p, c.truncate && json.length > 1 ? json.slice(0, 1 + (c.cut % (json.length - 1))) : c.text);
    return props;
}

/** The mutated property map of a table type (concrete unless `opts.unknown`). */
export function propsArb(spec: TypeSpec, opts: PlanOptions): fc.Arbitrary<Props> {
    return fc.tuple(ctxArb, mutationPlanArb(opts), fc.boolean(), docCorruptionArb).map(([c, plan, asObjects, doc]) => {
        const props = applyPlan(spec.base(c), plan);
        return corruptDoc(asObjects ? props : stringifyJsonPaths(props, spec), spec, doc);
    });
}

export function resourceArb(spec: TypeSpec, opts: PlanOptions): fc.Arbitrary<AnalyzerResource> {
    const provider = spec.provider
        ? fc.option(providerArb(spec.provider, opts), { freq: 3, nil: undefined })
        : fc.constant(undefined);
    return fc.record({
        props: propsArb(spec, opts),
        provider,
        protect: fc.boolean(),
        stack: fc.constantFrom(...STACKS),
        name: fc.oneof({ arbitrary: fc.constantFrom(...POOLS.name), weight: 5 }, { arbitrary: fc.constantFrom(...UNICODE.slice(0, 12)), weight: 1 }),
    }).map(({ props, provider, protect, stack, name }) => ({
        urn: urnOf(stack, spec.type, name), type: spec.type, name, properties: props, protect, provider,
    }));
}

/** A resource of a type from the cost pack's generated taggable list, with the generic fixture. */
export function taggableResourceArb(types: readonly string[], opts: PlanOptions): fc.Arbitrary<AnalyzerResource> {
    return fc.record({
        type: fc.constantFrom(...types),
        ctx: ctxArb,
        plan: mutationPlanArb(opts, 3),
        provider: fc.option(providerArb("aws", opts), { freq: 2, nil: undefined }),
    }).map(({ type, ctx, plan, provider }) => ({
        urn: urnOf("dev", type, ctx.name), type, name: ctx.name, properties: applyPlan(taggableFixture(ctx), plan), provider,
    }));
}

// ---------------------------------------------------------------------------------------------
// Stacks
// ---------------------------------------------------------------------------------------------

const STACK_SPECS: readonly TypeSpec[] = TYPE_TABLE.filter((t) => (t.stackWeight ?? 1) > 0);

const DEP_KEYS = ["bucket", "metadata", "roleRef", "subjects", "namespace", "roleArn", "targetRoleArn", "policy", "spec", "policyArn", "role", "tags"];

/** A URN target: another resource of the stack (by index), a well-formed URN of nothing, or garbage. */
type Target = { readonly kind: "index"; readonly i: number } | { readonly kind: "missing"; readonly text: string };

const targetArb: fc.Arbitrary<Target> = fc.oneof(
    { weight: 6, arbitrary: fc.nat({ max: 1000 }).map((i): Target => ({ kind: "index", i })) },
    {
        weight: 2,
        arbitrary: fc.constantFrom(
            urnOf("dev", "kubernetes:core/v1:Namespace", "gone"), urnOf("dev", "aws:s3/bucket:Bucket", "gone"),
            urnOf("dev", "aws:iam/role:Role", "gone"), urnOf("prod", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "x"),
            "", "not-a-urn", "urn:pulumi:", "urn:pulumi:dev::moka::::", UNKNOWN, "🚀",
        ).map((text): Target => ({ kind: "missing", text })),
    },
);

interface StackEntry {
    readonly spec: TypeSpec;
    readonly props: Props;
    readonly name: string;
    readonly protect: boolean;
    /** Index of the stack's AWS / Kubernetes provider to use (mod count), or none. */
    readonly provider: number | undefined;
}

export interface StackPlanOptions extends PlanOptions {
    readonly maxResources?: number;
    /**
     * Let propertyDependencies point at other resources of the stack (default true). A dependency
     * means "this value was computed from that resource", which random values do not honour: the
     * unknown-value property turns it off for random stacks (scenario stacks derive values properly).
     */
    readonly linkExisting?: boolean;
}

function entryArb(opts: PlanOptions): fc.Arbitrary<StackEntry> {
    const weighted = STACK_SPECS.map((spec) => ({ weight: spec.stackWeight ?? 1, arbitrary: fc.constant(spec) }));
    return fc.oneof(...weighted).chain((spec) => fc.record({
        spec: fc.constant(spec),
        props: propsArb(spec, opts),
        name: fc.constantFrom(...POOLS.name, ...POOLS.ns, ...POOLS.bucket),
        protect: fc.boolean(),
        provider: fc.option(fc.nat({ max: 3 }), { freq: 4, nil: undefined }),
    }));
}

/**
 * Names that are unique per account / cluster in reality (S3 bucket names are even global): the engine
 * cannot hand an analyzer two resources claiming one of them, so generated stacks do not either.
 * Class → types sharing that namespace and the path of the name.
 */
const UNIQUE_NAMES: readonly { readonly types: readonly string[]; readonly path: Path }[] = [
    { types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"], path: ["bucket"] },
    { types: ["kubernetes:core/v1:Namespace"], path: ["metadata", "name"] },
    { types: ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"], path: ["metadata", "name"] },
    { types: ["aws:iam/role:Role"], path: ["name"] },
    { types: ["aws:ecr/repository:Repository"], path: ["name"] },
];

export function uniquePhysicalNames(resources: readonly AnalyzerResource[]): void {
    for (const u of UNIQUE_NAMES) {
        const seen = new Set<string>();
        for (const r of resources) {
            if (!u.types.includes(r.type)) {
                continue;
            }
            const v = getAt(r.properties, u.path);
            if (typeof v !== "string" || v === UNKNOWN) {
                continue;
            }
            let name = v;
            for (let n = 2; seen.has(name); n++) {
                name = `${v}-${n}`;
            }
            seen.add(name);
            if (name !== v) {
                setAt(r.properties, u.path, name);
            }
        }
    }
}

/** A random stack: table resources with providers, parents, dependencies and property dependencies. */
export function stackArb(opts: StackPlanOptions): fc.Arbitrary<AnalyzerResource[]> {
    return fc.record({
        stack: fc.constantFrom(...STACKS),
        entries: fc.array(entryArb(opts), { minLength: 1, maxLength: opts.maxResources ?? 14 }),
        awsProviders: fc.array(awsProviderPropsArb(opts), { minLength: 0, maxLength: 2 }),
        k8sProviders: fc.array(k8sProviderPropsArb(opts), { minLength: 0, maxLength: 2 }),
        providersInStack: fc.boolean(),
        propDeps: fc.array(fc.record({
            from: fc.nat({ max: 1000 }),
            key: fc.constantFrom(...DEP_KEYS),
            to: fc.array(opts.linkExisting === false ? targetArb.filter((t) => t.kind === "missing") : targetArb, { minLength: 1, maxLength: 3 }),
        }), { maxLength: 10 }),
        deps: fc.array(fc.record({ from: fc.nat({ max: 1000 }), to: targetArb }), { maxLength: 6 }),
        parents: fc.array(fc.record({ from: fc.nat({ max: 1000 }), to: targetArb }), { maxLength: 4 }),
    }).map((s) => {
        const used = new Set<string>();
        const providerRefs = (kind: "aws" | "kubernetes", list: Props[]): ProviderRef[] => list.map((properties, i) => {
            const type = kind === "aws" ? "pulumi:providers:aws" : "pulumi:providers:kubernetes";
            const name = `${kind}-${i}`;
            return { urn: urnOf(s.stack, type, name), type, name, properties };
        });
        const aws = providerRefs("aws", s.awsProviders);
        const kube = providerRefs("kubernetes", s.k8sProviders);
        const out: { -readonly [K in keyof AnalyzerResource]: AnalyzerResource[K] }[] = [];
        if (s.providersInStack) {
            for (const p of [...aws, ...kube]) {
                out.push({ urn: p.urn, type: p.type, name: p.name, properties: p.properties });
                used.add(p.urn);
            }
        }
        for (const e of s.entries) {
            let name = e.name;
            let urn = urnOf(s.stack, e.spec.type, name);
            for (let n = 2; used.has(urn); n++) {
                name = `${e.name}-${n}`;
                urn = urnOf(s.stack, e.spec.type, name);
            }
            used.add(urn);
            const pool = e.spec.provider === "aws" ? aws : e.spec.provider === "kubernetes" ? kube : [];
            const provider = e.provider !== undefined && pool.length > 0 ? pool[e.provider % pool.length] : undefined;
            out.push({ urn, type: e.spec.type, name, properties: e.props, protect: e.protect, provider });
        }
        const resolve = (t: Target): string => (t.kind === "index" ? out[t.i % out.length].urn : t.text);
        for (const d of s.propDeps) {
            const r = out[d.from % out.length];
            r.propertyDependencies = { ...(r.propertyDependencies ?? {}), [d.key]: d.to.map(resolve) };
        }
        for (const d of s.deps) {
            const r = out[d.from % out.length];
            r.dependencies = [...(r.dependencies ?? []), resolve(d.to)];
        }
        for (const p of s.parents) {
            const r = out[p.from % out.length];
            const parent = resolve(p.to);
            if (parent !== r.urn) {
                r.parent = parent;
            }
        }
        uniquePhysicalNames(out);
        return out;
    });
}

// ---------------------------------------------------------------------------------------------
// Scenario stacks: small stacks of related types sharing one context, so the stack policies'
// cross-references (bucket ↔ public access block, namespace ↔ guardrails/bindings/service accounts,
// workload ↔ ServiceAccount ↔ IAM role, pools ↔ pools) actually connect.
// ---------------------------------------------------------------------------------------------

interface Scenario {
    /** Types with weights. */
    readonly types: readonly (readonly [string, number])[];
    /** Property-dependency key → (types that carry it, types it points at) in this scenario. */
    readonly links: Readonly<Record<string, { readonly from: readonly string[]; readonly to: readonly string[] }>>;
}

const T = {
    bucket: "aws:s3/bucket:Bucket", bucketV2: "aws:s3/bucketV2:BucketV2", pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    accountPab: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy", kms: "aws:kms/key:Key",
    ns: "kubernetes:core/v1:Namespace", quota: "kubernetes:core/v1:ResourceQuota", limits: "kubernetes:core/v1:LimitRange",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy", clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    crb: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", rb: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    sa: "kubernetes:core/v1:ServiceAccount", role: "aws:iam/role:Role", podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    deployment: "kubernetes:apps/v1:Deployment", pod: "kubernetes:core/v1:Pod", spark: "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication",
    scheduledSpark: "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication", cronJob: "kubernetes:batch/v1:CronJob",
    sparkConnect: "kubernetes:sparkoperator.k8s.io/v1alpha1:SparkConnect", k8sRole: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    ecr: "aws:ecr/repository:Repository", awsProvider: "pulumi:providers:aws", nodePool: "kubernetes:karpenter.sh/v1:NodePool",
    nodePoolBeta: "kubernetes:karpenter.sh/v1beta1:NodePool", nodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    logGroup: "aws:cloudwatch/logGroup:LogGroup", configMap: "kubernetes:core/v1:ConfigMap",
    eks: "eks:index:Cluster", awsEks: "aws:eks/cluster:Cluster", ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule", sg: "aws:ec2/securityGroup:SecurityGroup", vpc: "aws:ec2/vpc:Vpc", subnet: "aws:ec2/subnet:Subnet",
    route: "aws:ec2/route:Route", routeTable: "aws:ec2/routeTable:RouteTable", rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    lt: "aws:ec2/launchTemplate:LaunchTemplate", eniConfig: "kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig", nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    addon: "aws:eks/addon:Addon", release: "kubernetes:helm.sh/v3:Release", daemonSet: "kubernetes:apps/v1:DaemonSet",
    build: "docker-build:index:Image", pullThrough: "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
    bucketSse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucketLogging: "aws:s3/bucketLogging:BucketLogging",
} as const;

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
    s3: {
        types: [[T.bucket, 4], [T.bucketV2, 1], [T.pab, 4], [T.accountPab, 1], [T.bucketPolicy, 2], [T.kms, 1], [T.bucketSse, 2], [T.bucketLogging, 2]],
        links: {
            bucket: { from: [T.pab, T.bucketPolicy, T.bucketSse, T.bucketLogging], to: [T.bucket, T.bucketV2] },
            targetBucket: { from: [T.bucketLogging], to: [T.bucket, T.bucketV2] },
        },
    },
    tenancy: {
        types: [[T.ns, 4], [T.quota, 2], [T.limits, 2], [T.netpol, 3], [T.clusterRole, 2], [T.k8sRole, 2], [T.crb, 2], [T.rb, 3], [T.sa, 1]],
        links: {
            metadata: { from: [T.quota, T.limits, T.netpol, T.rb, T.sa, T.k8sRole], to: [T.ns] },
            roleRef: { from: [T.rb, T.crb], to: [T.clusterRole, T.k8sRole] },
            subjects: { from: [T.rb, T.crb], to: [T.ns] },
        },
    },
    identity: {
        types: [[T.ns, 3], [T.sa, 3], [T.role, 3], [T.podIdentity, 3], [T.deployment, 1], [T.spark, 2], [T.scheduledSpark, 1], [T.sparkConnect, 1], [T.pod, 1]],
        links: {
            metadata: { from: [T.sa, T.deployment, T.spark, T.scheduledSpark, T.sparkConnect, T.pod], to: [T.ns] },
            annotations: { from: [T.sa], to: [T.role] },
            roleArn: { from: [T.podIdentity], to: [T.role] },
            targetRoleArn: { from: [T.podIdentity], to: [T.role] },
            namespace: { from: [T.podIdentity], to: [T.ns] },
        },
    },
    images: {
        types: [[T.deployment, 2], [T.pod, 1], [T.spark, 2], [T.sparkConnect, 1], [T.cronJob, 1], [T.ecr, 2], [T.awsProvider, 2]],
        links: {},
    },
    nodepools: {
        types: [[T.nodePool, 4], [T.nodePoolBeta, 1], [T.nodeClass, 1]],
        links: {},
    },
    environments: {
        types: [[T.awsProvider, 2], [T.bucket, 1], [T.kms, 1], [T.ecr, 1], [T.logGroup, 1], [T.role, 1], [T.deployment, 1], [T.configMap, 1]],
        links: {},
    },
    // The deployability pack: the API path (cluster, its security-group rules, routes), system-node capacity, image producers.
    apiPath: {
        types: [[T.eks, 2], [T.awsEks, 1], [T.ingress, 3], [T.sgRule, 1], [T.sg, 1], [T.vpc, 1], [T.subnet, 1], [T.route, 2], [T.routeTable, 1], [T.rta, 2], [T.lt, 1], [T.eniConfig, 1]],
        links: {
            securityGroupId: { from: [T.ingress, T.sgRule], to: [T.eks, T.awsEks, T.sg] },
            referencedSecurityGroupId: { from: [T.ingress], to: [T.sg] },
            routeTableId: { from: [T.route, T.rta], to: [T.routeTable] },
            subnetId: { from: [T.rta], to: [T.subnet] },
            privateSubnetIds: { from: [T.eks], to: [T.subnet] },
        },
    },
    capacity: {
        types: [[T.nodeGroup, 2], [T.release, 3], [T.deployment, 2], [T.daemonSet, 1], [T.addon, 2]],
        links: {},
    },
    producers: {
        types: [[T.ecr, 2], [T.build, 2], [T.pullThrough, 1], [T.deployment, 2], [T.pod, 1], [T.release, 1]],
        links: { tags: { from: [T.build], to: [T.ecr] }, spec: { from: [T.deployment, T.pod], to: [T.build, T.ecr] } },
    },
};

function specOf(type: string): TypeSpec {
    const spec = TYPE_TABLE.find((t) => t.type === type);
    if (!spec) {
        throw new Error(`scenario type ${type} is not in TYPE_TABLE`);
    }
    return spec;
}

export function scenarioStackArb(opts: StackPlanOptions, only?: string): fc.Arbitrary<AnalyzerResource[]> {
    return fc.constantFrom(...(only ? [only] : Object.keys(SCENARIOS))).chain((name) => {
        const scenario = SCENARIOS[name];
        const member = fc.record({
            spec: fc.oneof(...scenario.types.map(([type, weight]) => ({ weight, arbitrary: fc.constant(specOf(type)) }))),
            nsPick: fc.nat({ max: 2 }),
            namePick: fc.nat({ max: 2 }),
            plan: mutationPlanArb(opts, 2),
            asObjects: fc.boolean(),
            protect: fc.boolean(),
            provider: fc.option(fc.nat({ max: 1 }), { freq: 4, nil: undefined }),
            links: fc.array(fc.record({ key: fc.constantFrom("metadata", ...Object.keys(scenario.links)), to: fc.nat({ max: 1000 }) }), { maxLength: 2 }),
        });
        return fc.record({
            scenario: fc.constant(name),
            ctx: ctxArb,
            stack: fc.constantFrom(...STACKS),
            members: fc.array(member, { minLength: 2, maxLength: opts.maxResources ?? 8 }),
            awsProviders: fc.array(awsProviderPropsArb({ ...opts, heavy: false }), { minLength: 1, maxLength: 2 }),
            k8sProviders: fc.array(k8sProviderPropsArb({ ...opts, heavy: false }), { minLength: 1, maxLength: 1 }),
        });
    }).map((s) => {
        const scenario = SCENARIOS[s.scenario];
        const nsPool = [s.ctx.ns, s.ctx.otherNs, "kube-system"];
        const namePool = [s.ctx.name, s.ctx.bucket, s.ctx.ns];
        const providers = (kind: "aws" | "kubernetes", list: Props[]): ProviderRef[] => list.map((properties, i) => {
            const type = kind === "aws" ? "pulumi:providers:aws" : "pulumi:providers:kubernetes";
            return { urn: urnOf(s.stack, type, `${kind}-${i}`), type, name: `${kind}-${i}`, properties };
        });
        const aws = providers("aws", s.awsProviders);
        // The stack's Kubernetes provider targets the scenario's namespace (when its mutated inputs still have one).
        const kube = providers("kubernetes", s.k8sProviders.map((p) => (typeof p.namespace === "string" ? { ...p, namespace: s.ctx.ns } : p)));
        const used = new Set<string>();
        const out: { -readonly [K in keyof AnalyzerResource]: AnalyzerResource[K] }[] = [];
        const skipped = new Set<number>();
        s.members.forEach((m, i) => {
            if (m.spec.type === T.awsProvider) {
                // The stack lists one of its AWS providers as a resource (same URN and inputs as the references).
                const p = aws[i % aws.length];
                if (used.has(p.urn)) {
                    skipped.add(i);
                } else {
                    used.add(p.urn);
                    out.push({ urn: p.urn, type: p.type, name: p.name, properties: p.properties });
                }
                return;
            }
            const ctx: Ctx = { ...s.ctx, ns: nsPool[m.nsPick], name: namePool[m.namePick] };
            const props = applyPlan(m.spec.base(ctx), m.plan);
            let name = ctx.name;
            for (let n = 2; used.has(urnOf(s.stack, m.spec.type, name)); n++) {
                name = `${ctx.name}-${n}`;
            }
            const urn = urnOf(s.stack, m.spec.type, name);
            used.add(urn);
            const pool = m.spec.provider === "aws" ? aws : m.spec.provider === "kubernetes" ? kube : [];
            const provider = m.provider !== undefined && pool.length > 0 ? pool[m.provider % pool.length] : undefined;
            out.push({
                urn, type: m.spec.type, name, protect: m.protect, provider,
                properties: m.asObjects ? props : stringifyJsonPaths(props, m.spec),
            });
        });
        uniquePhysicalNames(out);
        // Property dependencies that point at a related resource of the scenario; the dependent value is
        // then derived from that resource, as the engine only records a dependency for a value that is.
        let k = 0;
        s.members.forEach((m, i) => {
            if (skipped.has(i)) {
                return;
            }
            const r = out[k++];
            for (const l of m.links) {
                const link = scenario.links[l.key];
                if (!link || !link.from.includes(r.type)) {
                    continue;
                }
                const targets = out.filter((t) => t !== r && link.to.includes(t.type));
                if (targets.length > 0) {
                    const t = targets[l.to % targets.length];
                    // An IRSA annotation lives under metadata: the engine records the dependency on "metadata".
                    const key = l.key === "annotations" ? "metadata" : l.key;
                    r.propertyDependencies = { ...(r.propertyDependencies ?? {}), [key]: [...(r.propertyDependencies?.[key] ?? []), t.urn] };
                    deriveFrom(r, l.key, t);
                }
            }
        });
        return out;
    });
}

/** Makes `r`'s property `key` the value it would have if computed from `t` (its dependency). */
function deriveFrom(r: AnalyzerResource, key: string, t: AnalyzerResource): void {
    const tName = t.type === T.role ? getAt(t.properties, ["name"]) : BUCKET_TYPE_SET.has(t.type) ? getAt(t.properties, ["bucket"]) : getAt(t.properties, ["metadata", "name"]);
    if (typeof tName !== "string") {
        return;
    }
    const p = r.properties;
    const roleArn = `arn:aws:iam::111111111111:role/${tName}`;
    const setIf = (path: Path, value: unknown) => {
        if (getAt(p, path) !== undefined) {
            setAt(p, path, value);
        }
    };
    if (key === "bucket" || key === "targetBucket") {
        setIf([key], tName);
    } else if (key === "roleRef") {
        setIf(["roleRef", "name"], tName);
    } else if (key === "roleArn" || key === "targetRoleArn") {
        setIf([key], roleArn);
    } else if (key === "namespace") {
        setIf(["namespace"], tName);
    } else if (key === "subjects") {
        const subjects = getAt(p, ["subjects"]);
        if (Array.isArray(subjects)) {
            subjects.forEach((sub, i) => isObject(sub) && sub.kind === "ServiceAccount" && setIf(["subjects", i, "namespace"], tName));
        }
    } else if (key === "annotations") {
        setIf(["metadata", "annotations", "eks.amazonaws.com/role-arn"], roleArn);
    } else if (key === "metadata") {
        setIf(["metadata", "namespace"], tName);
    }
}

const BUCKET_TYPE_SET = new Set<string>([T.bucket, T.bucketV2]);

/**
 * Property-2 pair over a stack (or a one-resource list): B is concrete; P replaces some of B's
 * existing leaves (or subtrees), in resource properties or provider inputs, by the wire sentinel.
 * Providers are keyed by URN, so a replaced provider input shows up consistently on every resource
 * using that provider and on the provider resource itself when the stack lists it.
 */
export function unknownVariant(
    resources: readonly AnalyzerResource[],
    plan: UnknownPlan,
    exclude?: (type: string, path: Path) => boolean,
): { resources: AnalyzerResource[]; replaced: { urn: string; type: string; path: Path }[] } {
    const owners: { urn: string; type: string; props: Record<string, unknown> }[] = [];
    const seen = new Set<string>();
    const add = (urn: string, type: string, props: Record<string, unknown>) => {
        if (!seen.has(urn)) {
            seen.add(urn);
            owners.push({ urn, type, props });
        }
    };
    for (const r of resources) {
        add(r.urn, r.type, r.properties);
        if (r.provider) {
            add(r.provider.urn, r.provider.type, r.provider.properties);
        }
    }
    const tree = owners.map((o) => o.props);
    const { value, paths } = withUnknowns(tree, plan, (p) => p.length < 2 || (exclude !== undefined && exclude(owners[p[0] as number].type, p.slice(1))), true);
    const byUrn = new Map(owners.map((o, i) => [o.urn, value[i]]));
    const replaced = paths.map((p) => ({ urn: owners[p[0] as number].urn, type: owners[p[0] as number].type, path: p.slice(1) }));
    const out = resources.map((r) => ({
        ...r,
        properties: byUrn.get(r.urn)!,
        provider: r.provider ? { ...r.provider, properties: byUrn.get(r.provider.urn)! } : undefined,
    }));
    return { resources: out, replaced };
}
