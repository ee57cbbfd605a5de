/**
 * The offline preview: run the platform program for a stack under the project's mocks, send every
 * registered resource through the three policy packs via @pulumi/policy's analyzer handlers, and
 * summarise resources, findings and cost. Pure orchestration; formatting lives in report.ts and the
 * command line in scripts/offline-preview.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { MokaConfigError, parseConfigMap } from "../config";
import { analyzePacks, Diagnostic, PackDefinition, PolicyPackConfig, toAnalyzerResources } from "./analyze";
import { CostEstimate, estimateCost } from "./cost";
import { DeployabilitySummary, summarizeDeployability } from "./deploy-report";
import { listStacks, loadPlatformProgram, PROJECT_ROOT, readStackConfig, RecordedResource, runUnderMocks } from "./mocks";
import { applyOverrides, ConfigOverride } from "./overrides";

export const PACK_NAMES = ["security", "cost", "isolation", "deployability"] as const;
export type PackName = (typeof PACK_NAMES)[number];

export interface PreviewOptions {
    readonly stack: string;
    readonly overrides?: readonly ConfigOverride[];
    /** Explicit `--policy-pack-config` files (CLI format). When absent, `policies/config/<stack>/<pack>.json` are used if present. */
    readonly policyConfigFiles?: readonly string[];
    /** Progress callback (the CLI prints these to stderr). */
    readonly progress?: (message: string) => void;
}

export interface ComponentSummary {
    readonly component: string;
    readonly type: string;
    readonly resources: number;
}

export interface PreviewResult {
    readonly stack: string;
    readonly environment: string;
    readonly resources: readonly RecordedResource[];
    readonly byType: Readonly<Record<string, number>>;
    readonly byComponent: readonly ComponentSummary[];
    readonly findings: readonly Diagnostic[];
    readonly mandatoryCount: number;
    readonly cost: CostEstimate;
    /** The API path, image sources and system-node capacity figure (the deployability pack's analyses). */
    readonly deployability: DeployabilitySummary;
    readonly policyConfigFiles: readonly string[];
    readonly packs: readonly { name: string; version: string; policies: number }[];
    readonly timings: Readonly<Record<string, number>>;
    /** What an offline run cannot see; printed in every report. */
    readonly limits: readonly string[];
}

/** Thrown for bad stack names, unreadable policy config, or a program that fails for another reason. */
export class PreviewInputError extends Error {}

export const OFFLINE_LIMITS: readonly string[] = [
    "Children of remote components are not visible: `eks:index:Cluster` is a multi-language component, so offline the packs check its inputs, while `pulumi preview` checks the `aws:eks/cluster:Cluster`, roles and security groups it creates.",
    "Provider defaults are not applied: values the AWS or Kubernetes providers fill in at plan time (default tags merged into `tagsAll`, server-side defaults, chart-rendered manifests inside Helm releases) are only seen by a real preview.",
    "Values known only after deploy are mocked: ARNs, IDs, endpoints, image digests and the kubeconfig come from the mocks, so checks that depend on real account state (existing resources, IAM evaluation, quotas, prices) need `npm run preview -- --stack <name>` (pulumi preview with all four packs) with credentials.",
    "The API path is checked up to the VPC's edge: the stack's security-group rules and route tables are visible, but not the transit gateway's own route tables, the runner's routes, firewalls or an existing VPC's routing. The capacity figure uses Karpenter's (conservative) memory model and EKS add-on requests from lib/capacity/addons.ts (kube-proxy's 100m is from an older EKS manifest; the pod-identity agent states no requests).",
];

/** Loads the four packs' definitions (rules only; never starts a policy server). */
export function loadPacks(): PackDefinition[] {
    return PACK_NAMES.map((name) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time
        const mod = require(path.join(PROJECT_ROOT, "policies", name, "pack"));
        const pack = Object.values(mod).find((v): v is PackDefinition => typeof v === "object" && v !== null && Array.isArray((v as PackDefinition).policies));
        if (!pack) {
            throw new PreviewInputError(`policies/${name}/pack.ts exports no pack definition`);
        }
        return pack;
    });
}

/** Default per-stack policy config files, in pack order, that exist. */
export function defaultPolicyConfigFiles(stack: string): string[] {
    return PACK_NAMES.map((p) => path.join(PROJECT_ROOT, "policies", "config", stack, `${p}.json`)).filter((f) => fs.existsSync(f));
}

/** Reads and merges `--policy-pack-config` files (policy names are unique across packs). */
export function readPolicyConfig(files: readonly string[]): PolicyPackConfig {
    const merged: PolicyPackConfig = {};
    for (const f of files) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(fs.readFileSync(f, "utf8"));
        } catch (e) {
            throw new PreviewInputError(`--policy-pack-config ${f}: ${(e as Error).message}`);
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            throw new PreviewInputError(`--policy-pack-config ${f}: expected an object of policy names`);
        }
        Object.assign(merged, parsed);
    }
    return merged;
}

/** Resources counted under their top-level `moka:*` component (the stack's direct children). */
export function summarizeByComponent(resources: readonly RecordedResource[]): ComponentSummary[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const topOf = new Map<string, RecordedResource | undefined>();
    const top = (r: RecordedResource): RecordedResource | undefined => {
        if (topOf.has(r.urn)) {
            return topOf.get(r.urn);
        }
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        const result = parent ? top(parent) ?? (r.type.startsWith("moka:") ? r : undefined) : r.type.startsWith("moka:") ? r : undefined;
        topOf.set(r.urn, result);
        return result;
    };
    const counts = new Map<string, ComponentSummary>();
    for (const r of resources) {
        if (!r.custom) {
            continue;
        }
        const t = top(r);
        const key = t ? `${t.type}::${t.name}` : "(stack)";
        const prev = counts.get(key);
        counts.set(key, { component: t ? t.name : "(stack)", type: t ? t.type : "-", resources: (prev?.resources ?? 0) + 1 });
    }
    return [...counts.values()].sort((a, b) => b.resources - a.resources || a.component.localeCompare(b.component));
}

export async function runPreview(opts: PreviewOptions): Promise<PreviewResult> {
    const t0 = Date.now();
    if (!listStacks().includes(opts.stack)) {
        throw new PreviewInputError(`unknown stack "${opts.stack}": no Pulumi.${opts.stack}.yaml (known stacks: ${listStacks().join(", ")})`);
    }
    const config = applyOverrides(readStackConfig(opts.stack), opts.overrides ?? []);
    return previewPipeline(opts.stack, config, opts.policyConfigFiles, opts.progress ?? (() => undefined), t0);
}

/** The offline preview on a given config map instead of a `Pulumi.<stack>.yaml` (generated configs, benchmarks). */
export interface ConfigPreviewOptions {
    /** Stack name the program runs as; also selects the default `policies/config/<stack>/` files. Required. */
    readonly stack: string;
    /** Flat `namespace:key → string` config map, exactly what the CLI passes to a program. Required. */
    readonly config: Record<string, string>;
    /** Explicit `--policy-pack-config` files. Defaults to `policies/config/<stack>/<pack>.json` when present. */
    readonly policyConfigFiles?: readonly string[];
    /** Progress callback. Defaults to none. */
    readonly progress?: (message: string) => void;
}

/** Runs the same pipeline as runPreview on `opts.config` (no stack file is read). */
export async function runPreviewWithConfig(opts: ConfigPreviewOptions): Promise<PreviewResult> {
    return previewPipeline(opts.stack, opts.config, opts.policyConfigFiles, opts.progress ?? (() => undefined), Date.now());
}

async function previewPipeline(
    stack: string,
    config: Record<string, string>,
    policyConfigFiles: readonly string[] | undefined,
    progress: (message: string) => void,
    t0: number,
): Promise<PreviewResult> {
    const timings: Record<string, number> = {};
    // Validate first so a bad config is reported as such, with every key, before anything runs.
    const cfg = parseConfigMap(config);

    progress("loading the program and policy packs");
    const program = loadPlatformProgram();
    const packs = loadPacks();
    const files = policyConfigFiles ?? defaultPolicyConfigFiles(stack);
    const policyConfig = readPolicyConfig(files);
    timings.loadMs = Date.now() - t0;

    progress(`running the ${stack} program under mocks`);
    const t1 = Date.now();
    let programError: unknown;
    const run = await runUnderMocks({
        stack,
        config,
        program: async () => {
            try {
                return await (program() as Promise<unknown>);
            } catch (e) {
                programError = e;
                return {};
            }
        },
    });
    if (programError) {
        throw programError;
    }
    timings.programMs = Date.now() - t1;

    progress(`evaluating ${packs.length} policy packs over ${run.resources.length} resources`);
    const t2 = Date.now();
    const findings = await analyzePacks(packs, toAnalyzerResources(run.resources), { config: policyConfig });
    timings.policyMs = Date.now() - t2;
    timings.totalMs = Date.now() - t0;

    const byType: Record<string, number> = {};
    for (const r of run.resources) {
        byType[r.type] = (byType[r.type] ?? 0) + 1;
    }
    return {
        stack,
        environment: cfg.environment,
        resources: run.resources,
        byType,
        byComponent: summarizeByComponent(run.resources),
        findings,
        mandatoryCount: findings.filter((f) => f.enforcementLevel === "mandatory").length,
        cost: estimateCost(run.resources),
        deployability: summarizeDeployability(run.resources, cfg),
        policyConfigFiles: files.map((f) => path.relative(PROJECT_ROOT, f)),
        packs: packs.map((p) => ({ name: p.name, version: p.version, policies: p.policies.length })),
        timings,
        limits: OFFLINE_LIMITS,
    };
}

export { MokaConfigError };
