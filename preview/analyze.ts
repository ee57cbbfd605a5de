/**
 * Evaluates policy packs in-process through @pulumi/policy's own gRPC handlers (`makeAnalyzeRpcFun`,
 * `makeAnalyzeStackRpcFun`), fed with real `pulumirpc.AnalyzeRequest` / `AnalyzeStackRequest`
 * protobuf messages — the same code path `pulumi preview --policy-pack` drives over gRPC, minus
 * the socket. Used by the policy tests and by the offline preview.
 *
 * Policy config follows the CLI: each policy's `configSchema` defaults are filled in, then the
 * user's `--policy-pack-config` values (a policy name mapped to an enforcement level string, or an
 * object with `enforcementLevel` plus properties) override them.
 */
import * as policyServer from "@pulumi/policy/server";
import type { EnforcementLevel, Policies, Policy, PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import type { PackDefinition } from "../policies/lib/pack";
import type { RecordedResource } from "./mocks";

export type { PackDefinition };

/** The sentinel Pulumi uses on the wire for a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One resource as the engine hands it to an analyzer. `properties` are in Pulumi's wire format. */
export interface AnalyzerResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly properties: Record<string, unknown>;
    readonly parent?: string;
    readonly protect?: boolean;
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    readonly provider?: { readonly urn: string; readonly type: string; readonly name: string; readonly properties: Record<string, unknown> };
}

/** `--policy-pack-config` file contents: policy name → level, or `{ enforcementLevel?, ...properties }`. */
export type PolicyPackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export type Severity = "low" | "medium" | "high" | "critical";

export interface Diagnostic {
    readonly pack: string;
    readonly packVersion: string;
    readonly policy: string;
    readonly description: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly severity?: Severity;
    readonly urn?: string;
    readonly resourceType?: string;
    readonly resourceName?: string;
    readonly remediationSteps?: string;
    readonly tags?: readonly string[];
    readonly url?: string;
    readonly framework?: unknown;
    /** True for the advisory "can't run during preview" diagnostics @pulumi/policy emits on unknown values. */
    readonly unknownValue: boolean;
}

export interface AnalyzeOptions {
    /** Per-policy config in the CLI's `--policy-pack-config` format, across all packs. */
    readonly config?: PolicyPackConfig;
    /** Run per-resource `Analyze` as well as `AnalyzeStack`. Defaults to true. */
    readonly perResource?: boolean;
}

const LEVELS: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const SEVERITIES: Record<number, Severity | undefined> = { 0: undefined, 1: "low", 2: "medium", 3: "high", 4: "critical" };

/** Defaults from a policy's configSchema, as the CLI fills them in. */
export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema?.properties ?? {})) {
        if (v && typeof v === "object" && "default" in v) {
            out[k] = (v as { default: unknown }).default;
        }
    }
    return out;
}

/** The effective level and config of one policy under a pack config. */
export function effectivePolicyConfig(
    pack: PackDefinition,
    policy: Policy,
    config: PolicyPackConfig | undefined,
): { level: EnforcementLevel; props: Record<string, unknown> } {
    const entry = config?.[policy.name] ?? config?.all;
    const userLevel = typeof entry === "string" ? entry : entry?.enforcementLevel;
    const { enforcementLevel: _ignored, ...userProps } = typeof entry === "object" && entry !== null ? entry : {};
    return {
        level: userLevel ?? policy.enforcementLevel ?? pack.enforcementLevel,
        props: { ...schemaDefaults(policy.configSchema), ...(typeof config?.[policy.name] === "object" ? userProps : {}) },
    };
}

function withConfig(pack: PackDefinition, policy: Policy, config: PolicyPackConfig | undefined): Policy {
    const { level, props } = effectivePolicyConfig(pack, policy, config);
    const getConfig = () => props;
    // The policy callbacks take different argument types (resource or stack); the wrapper only adds
    // getConfig, so it is typed by the callback it wraps.
    type Callback = (args: never, report: never) => unknown;
    const wrap = <F extends Callback>(fn: F): F => {
        const call = fn as unknown as (args: object, report: unknown) => unknown;
        const wrapped = ((args: object, report: unknown) => call({ ...args, getConfig }, report)) as unknown as F;
        (wrapped as unknown as { __pulumiType?: unknown }).__pulumiType = (fn as unknown as { __pulumiType?: unknown }).__pulumiType;
        return wrapped;
    };
    if ("validateStack" in policy && typeof policy.validateStack === "function") {
        const sp = policy as StackValidationPolicy;
        return { ...sp, enforcementLevel: level, validateStack: wrap(sp.validateStack) } as StackValidationPolicy;
    }
    const rp = policy as ResourceValidationPolicy;
    const validate = rp.validateResource;
    return {
        ...rp,
        enforcementLevel: level,
        validateResource: Array.isArray(validate) ? validate.map(wrap) : validate ? wrap(validate) : validate,
    } as ResourceValidationPolicy;
}

type RpcHandler = (call: { request: unknown }, cb: (err: unknown, resp?: analyzerproto.AnalyzeResponse) => void) => unknown;
type HandlerFactory = (name: string, version: string, level: EnforcementLevel, policies: Policies) => RpcHandler;
/** The server's handler factories are internal (not in its .d.ts), but they are what `serve()` registers. */
const server = policyServer as unknown as { makeAnalyzeRpcFun: HandlerFactory; makeAnalyzeStackRpcFun: HandlerFactory };

function struct(value: Record<string, unknown>): structproto.Struct {
    return structproto.Struct.fromJavaScript(value as Record<string, structproto.JavaScriptValue>);
}

function resourceOptions(r: AnalyzerResource): analyzerproto.AnalyzerResourceOptions {
    const opts = new analyzerproto.AnalyzerResourceOptions();
    opts.setProtect(r.protect === true);
    if (r.parent) {
        opts.setParent(r.parent);
    }
    return opts;
}

function providerMessage(r: AnalyzerResource): analyzerproto.AnalyzerProviderResource | undefined {
    if (!r.provider) {
        return undefined;
    }
    const p = new analyzerproto.AnalyzerProviderResource();
    p.setUrn(r.provider.urn);
    p.setType(r.provider.type);
    p.setName(r.provider.name);
    p.setProperties(struct(r.provider.properties));
    return p;
}

/** Builds the `AnalyzeRequest` the engine sends for one resource. */
export function analyzeRequest(r: AnalyzerResource): analyzerproto.AnalyzeRequest {
    const req = new analyzerproto.AnalyzeRequest();
    req.setUrn(r.urn);
    req.setType(r.type);
    req.setName(r.name);
    req.setProperties(struct(r.properties));
    req.setOptions(resourceOptions(r));
    const p = providerMessage(r);
    if (p) {
        req.setProvider(p);
    }
    return req;
}

/** Builds the `AnalyzeStackRequest` the engine sends after a preview or update. */
export function analyzeStackRequest(resources: readonly AnalyzerResource[]): analyzerproto.AnalyzeStackRequest {
    const req = new analyzerproto.AnalyzeStackRequest();
    req.setResourcesList(resources.map((r) => {
        const m = new analyzerproto.AnalyzerResource();
        m.setUrn(r.urn);
        m.setType(r.type);
        m.setName(r.name);
        m.setProperties(struct(r.properties));
        m.setOptions(resourceOptions(r));
        if (r.parent) {
            m.setParent(r.parent);
        }
        m.setDependenciesList([...(r.dependencies ?? [])]);
        const deps = m.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
            const d = new analyzerproto.AnalyzerPropertyDependencies();
            d.setUrnsList([...urns]);
            deps.set(k, d);
        }
        const p = providerMessage(r);
        if (p) {
            m.setProvider(p);
        }
        return m;
    }));
    return req;
}

function call(handler: RpcHandler, request: unknown): Promise<analyzerproto.AnalyzeResponse> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (err, resp) => (err ? reject(err) : resolve(resp!)));
    });
}

/**
 * `subject` is the resource an `Analyze` call was about: per-resource diagnostics carry no URN on the
 * wire (the engine knows which resource it asked about), so they are attributed to it.
 */
function diagnostics(pack: PackDefinition, resp: analyzerproto.AnalyzeResponse, byUrn: Map<string, AnalyzerResource>, subject?: AnalyzerResource): Diagnostic[] {
    return resp.getDiagnosticsList().map((d) => {
        const policy = pack.policies.find((p) => p.name === d.getPolicyname());
        const urn = d.getUrn() || subject?.urn || undefined;
        const res = urn ? byUrn.get(urn) : undefined;
        const message = d.getMessage();
        return {
            pack: d.getPolicypackname(),
            packVersion: d.getPolicypackversion(),
            policy: d.getPolicyname(),
            description: d.getDescription(),
            message,
            enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
            severity: SEVERITIES[d.getSeverity()],
            urn,
            resourceType: res?.type,
            resourceName: res?.name,
            remediationSteps: policy?.remediationSteps,
            tags: policy?.tags,
            url: policy?.url,
            framework: policy?.framework,
            unknownValue: message.startsWith("can't run policy"),
        };
    });
}

/**
 * Runs every pack over the resources: `Analyze` once per resource, then one `AnalyzeStack`, exactly
 * as the engine does. Returns all diagnostics; throws if a policy crashes (as the CLI would fail).
 */
export async function analyzePacks(packs: readonly PackDefinition[], resources: readonly AnalyzerResource[], opts: AnalyzeOptions = {}): Promise<Diagnostic[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const out: Diagnostic[] = [];
    // The engine sends the same requests to every pack; build them once.
    const perResource = opts.perResource ?? true;
    const requests = perResource ? resources.map((r) => ({ r, req: analyzeRequest(r) })) : [];
    const stackRequest = analyzeStackRequest(resources);
    for (const pack of packs) {
        const policies = pack.policies.map((p) => withConfig(pack, p, opts.config));
        if (perResource) {
            const analyze = server.makeAnalyzeRpcFun(pack.name, pack.version, pack.enforcementLevel, policies);
            for (const { r, req } of requests) {
                out.push(...diagnostics(pack, await call(analyze, req), byUrn, r));
            }
        }
        const analyzeStack = server.makeAnalyzeStackRpcFun(pack.name, pack.version, pack.enforcementLevel, policies);
        out.push(...diagnostics(pack, await call(analyzeStack, stackRequest), byUrn));
    }
    return out;
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/**
 * The engine marshals analyzer properties without resource references (`KeepResources: false`): a
 * reference to a custom resource becomes its ID, one to a component its URN. Do the same, so the
 * packs receive what `pulumi preview` would send them.
 */
export function downgradeResourceReferences(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(downgradeResourceReferences);
    }
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === RESOURCE_SIG) {
            return typeof obj.id === "string" && obj.id !== "" ? obj.id : obj.urn;
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            out[k] = downgradeResourceReferences(v);
        }
        return out;
    }
    return value;
}

/** Converts the mock harness's registrations into analyzer resources (providers resolved by reference). */
export function toAnalyzerResources(recorded: readonly RecordedResource[]): AnalyzerResource[] {
    const byUrn = new Map(recorded.map((r) => [r.urn, r]));
    return recorded.map((r) => {
        const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
        const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
        return {
            urn: r.urn,
            type: r.type,
            name: r.name,
            properties: downgradeResourceReferences(r.wire) as Record<string, unknown>,
            parent: r.parent,
            protect: r.protect,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
            provider: provider ? { urn: provider.urn, type: provider.type, name: provider.name, properties: downgradeResourceReferences(provider.wire) as Record<string, unknown> } : undefined,
        };
    });
}

/** Only the diagnostics that would fail `pulumi preview` (mandatory, not the preview-unknown advisories). */
export function mandatory(ds: readonly Diagnostic[]): Diagnostic[] {
    return ds.filter((d) => d.enforcementLevel === "mandatory");
}
