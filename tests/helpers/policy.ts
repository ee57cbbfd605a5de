/**
 * Rule-test helpers: run one policy (or a pack) on hand-written resources through @pulumi/policy's
 * real server handlers (see preview/analyze.ts). Properties are given in wire format, so the
 * preview-time unknown sentinel `UNKNOWN` can be placed anywhere.
 */
import type { EnforcementLevel, Policy } from "@pulumi/policy";
import { analyzePacks, AnalyzerResource, Diagnostic, PackDefinition, PolicyPackConfig, UNKNOWN } from "../../preview/analyze";

export { UNKNOWN, Diagnostic };

export interface TestResource {
    readonly type: string;
    readonly props: Record<string, unknown>;
    readonly name?: string;
    readonly urn?: string;
    readonly protect?: boolean;
    readonly parent?: string;
    readonly dependencies?: string[];
    readonly propertyDependencies?: Record<string, string[]>;
    readonly provider?: { type: string; name?: string; props: Record<string, unknown> };
}

let counter = 0;

/** Gives each test resource a stable URN derived from its type and name. */
export function toAnalyzer(r: TestResource, stack = "test"): AnalyzerResource {
    const name = r.name ?? `r${++counter}`;
    return {
        urn: r.urn ?? `urn:pulumi:${stack}::moka::${r.type}::${name}`,
        type: r.type,
        name,
        properties: r.props,
        protect: r.protect,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        provider: r.provider
            ? { urn: `urn:pulumi:${stack}::moka::${r.provider.type}::${r.provider.name ?? "default"}`, type: r.provider.type, name: r.provider.name ?? "default", properties: r.provider.props }
            : undefined,
    };
}

function packOf(policy: Policy, level: EnforcementLevel): PackDefinition {
    return { name: "test-pack", version: "0.0.0", enforcementLevel: level, policies: [policy] };
}

/** Runs one policy over the resources (Analyze per resource and AnalyzeStack) and returns its diagnostics. */
export async function check(policy: Policy, resources: TestResource | TestResource[], config?: Record<string, unknown>): Promise<Diagnostic[]> {
    const list = Array.isArray(resources) ? resources : [resources];
    const packConfig: PolicyPackConfig | undefined = config ? { [policy.name]: config } : undefined;
    return analyzePacks([packOf(policy, "advisory")], list.map((r) => toAnalyzer(r)), { config: packConfig });
}

/** Violations only (excludes the advisory "can't run during preview" diagnostics for unknown values). */
export async function violations(policy: Policy, resources: TestResource | TestResource[], config?: Record<string, unknown>): Promise<Diagnostic[]> {
    return (await check(policy, resources, config)).filter((d) => !d.unknownValue);
}
