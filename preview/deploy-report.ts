/**
 * The deployability section of the offline preview report: the API path (and where the stack says
 * `pulumi up` runs from), where every image comes from, and the system-node capacity figure. Computed
 * from the recorded resources with the same analyses the deployability pack runs
 * (policies/lib/deployability), so the report shows what the pack judged.
 */
import type { MokaConfig } from "../config";
import { apiPaths, describeApiPath, imageSources, systemNodeFits, type ImageSource, type ResView } from "../policies/lib/deployability";
import { describeFit } from "../lib/capacity/model";
import type { RecordedResource } from "./mocks";

export interface ImageLine {
    readonly image: string;
    readonly source: ImageSource;
    readonly detail: string;
    /** Workloads and releases that run it. */
    readonly usedBy: readonly string[];
}

export interface DeployabilitySummary {
    /** One line per EKS cluster. */
    readonly apiPaths: readonly string[];
    /** Where the stack declares `pulumi up` runs from. */
    readonly deployer: string;
    readonly images: readonly ImageLine[];
    /** One line per node group that something is pinned to. */
    readonly systemNodes: readonly string[];
}

/** The recorded registrations as the analyses' resource views (inputs; property dependencies by URN). */
export function recordedViews(resources: readonly RecordedResource[]): ResView[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return resources.map((r) => {
        // A provider reference is `<provider urn>::<id>`.
        const p = r.provider ? byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
        return { urn: r.urn, type: r.type, name: r.name, props: r.inputs, deps: r.propertyDependencies, parent: r.parent, provider: p ? { type: p.type, props: p.inputs } : undefined };
    });
}

const SOURCE_LABEL: Readonly<Record<ImageSource, string>> = {
    "built": "built in the stack",
    "pull-through": "ECR pull-through cache",
    "external": "external registry",
    "missing": "MISSING (nothing pushes it)",
    "unordered": "RACES THE BUILD (no dependency on the push)",
    "unknown": "unknown at preview",
};

export function sourceLabel(s: ImageSource): string {
    return SOURCE_LABEL[s];
}

function deployerLine(cfg: MokaConfig): string {
    const d = cfg.cluster.deployer;
    if (d.network === "public") {
        return `public endpoint, from ${(d.egressCidrs ?? []).join(", ") || "(no egress CIDRs)"} (moka:cluster.deployer), as ${cfg.cluster.deployerRoleArn}`;
    }
    const n = cfg.cluster.privateAccess.find((x) => x.name === d.network);
    const via = n ? `${n.cidr ?? n.securityGroupId} via ${n.via}${n.transitGatewayId ?? n.vpcPeeringConnectionId ?? n.vpnGatewayId ? ` ${n.transitGatewayId ?? n.vpcPeeringConnectionId ?? n.vpnGatewayId}` : ""}` : "undeclared";
    return `network "${d.network}" (${via}) (moka:cluster.deployer), as ${cfg.cluster.deployerRoleArn}`;
}

export function summarizeDeployability(resources: readonly RecordedResource[], cfg: MokaConfig): DeployabilitySummary {
    const views = recordedViews(resources);
    const byImage = new Map<string, { source: ImageSource; detail: string; usedBy: string[] }>();
    for (const u of imageSources(views)) {
        const key = u.image ?? `(${u.owner} ${u.container})`;
        const entry = byImage.get(key) ?? { source: u.source, detail: u.detail, usedBy: [] };
        entry.usedBy.push(u.owner);
        byImage.set(key, entry);
    }
    // The headroom each group states (its moka.dev/headroom-percent tag, from moka:cluster.systemNodes.headroomPercent), as the pack reads it.
    const fits = systemNodeFits(views);
    return {
        apiPaths: apiPaths(views).map(describeApiPath),
        deployer: deployerLine(cfg),
        images: [...byImage.entries()].map(([image, e]) => ({ image, source: e.source, detail: e.detail, usedBy: [...new Set(e.usedBy)] }))
            .sort((a, b) => a.source.localeCompare(b.source) || a.image.localeCompare(b.image)),
        systemNodes: fits.filter((f) => f.fit && f.pods.some((p) => !p.perNode)).map((f) => `${f.name}: ${describeFit(f.fit!)}`),
    };
}
