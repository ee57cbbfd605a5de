/**
 * What the dashboards know about the stack: plain data from the configuration (teams, pools, names),
 * so every dashboard is a pure function of it and a team or pool without traffic still has its row.
 */
import type { Arch } from "../../../lib/instance-families";
import { NAMESPACES, PLATFORM_NAMESPACES } from "../../../lib/platform";
import { familyVcpuHourUsd, poolVcpuHourRate } from "../../../lib/pricing/rates";
import { poolName } from "../../karpenter/node-pools";
import { HISTORY_SERVER_PORT, historyServerName } from "../../spark/history-server-objects";
import { teamBucketName } from "../../storage/plan";
import { containerLogGroupName } from "../fluent-bit-pipeline";

/** A Karpenter pool as the cost panels price it. */
export interface DashboardPool {
    /** The NodePool name (`spark-<key>`). */
    readonly name: string;
    readonly arch: Arch;
    readonly instanceFamilies: readonly string[];
    /** `spec.limits.cpu`; undefined when unbounded. */
    readonly cpuLimit?: number;
}

export interface DashboardContext {
    /** Team names: each is the team's namespace, its YuniKorn queue is `root.<team>`. */
    readonly teams: readonly string[];
    readonly pools: readonly DashboardPool[];
    readonly region: string;
    readonly accountId: string;
    /** Stem of physical names (team buckets, the container log group). */
    readonly baseName: string;
    /** Key prefix of container logs in each team bucket (`<prefix>/<spark app id>/…`). */
    readonly containerLogPrefix: string;
    /** Platform namespaces the health panels cover. */
    readonly platformNamespaces: readonly string[];
    /** The History Server namespace (`kubectl -n <ns> port-forward svc/history-<team>`). */
    readonly historyNamespace: string;
}

type PoolConfig = { readonly arch: Arch; readonly instanceFamilies: readonly string[]; readonly cpuLimit?: number };

/** The context of a stack from its configuration: platform namespaces and the History Server namespace from lib/platform. */
export function dashboardContext(c: {
    readonly teams: readonly string[];
    readonly nodePools: Readonly<Record<string, PoolConfig>>;
    readonly region: string;
    readonly accountId: string;
    readonly baseName: string;
    readonly containerLogPrefix: string;
}): DashboardContext {
    return {
        teams: [...c.teams], pools: dashboardPools(c.nodePools), region: c.region, accountId: c.accountId, baseName: c.baseName,
        containerLogPrefix: c.containerLogPrefix, platformNamespaces: ["kube-system", ...PLATFORM_NAMESPACES], historyNamespace: NAMESPACES.historyServer,
    };
}

/** The pools of a `moka:nodePools`-shaped map, named as the Karpenter component names them. */
export function dashboardPools(nodePools: Readonly<Record<string, PoolConfig>>): DashboardPool[] {
    return Object.entries(nodePools).map(([key, p]) => ({ name: poolName(key), arch: p.arch, instanceFamilies: [...p.instanceFamilies], cpuLimit: p.cpuLimit }));
}

/** $/vCPU-hour per instance family the pools may launch (lib/pricing, the cost pack's table), sorted by family. */
export function familyRates(pools: readonly DashboardPool[]): [string, number][] {
    const families = [...new Set(pools.flatMap((p) => p.instanceFamilies))].sort();
    return families.map((f) => [f, familyVcpuHourUsd(f).rate]);
}

/** The $/vCPU-hour each pool is priced at in the worst case (its most expensive family, on-demand): the report's and the cost pack's rate. */
export function poolRates(pools: readonly DashboardPool[]): [string, number][] {
    return pools.map((p) => [p.name, poolVcpuHourRate({ name: p.name, cpuLimit: p.cpuLimit, families: p.instanceFamilies, archs: [p.arch] }).rate]);
}

/**
 * A PromQL instant vector of constants, one series per key with `label` set to it:
 * `label_replace(vector(0.0408), "instance_family", "m7g", "", "") or …`. PromQL has no lookup tables; this
 * is how a price list joins onto series (`* on(instance_family) group_left() …`).
 */
export function constantVector(label: string, entries: readonly (readonly [string, number])[]): string {
    if (entries.length === 0) {
        throw new Error(`constantVector: no entries for label ${label}`);
    }
    return entries.map(([value, n]) => `label_replace(vector(${Number(n.toPrecision(6))}), "${label}", "${value}", "", "")`).join(" or ");
}

/** The AWS console's S3 prefix view of a team's container logs, with `${…}` Grafana interpolation allowed in team and app. */
export function containerLogsUrl(ctx: DashboardContext, team: string, app: string): string {
    const bucket = teamBucketName(ctx.baseName, team, ctx.accountId);
    return `https://${ctx.region}.console.aws.amazon.com/s3/buckets/${bucket}?region=${ctx.region}&prefix=${ctx.containerLogPrefix}/${app}/`;
}

/**
 * The CloudWatch console's view of the container log group filtered to a log-stream prefix (Fluent Bit
 * names streams `<namespace>.<pod>.<container>`). The console's fragment encodes "/" as $252F and ?/= as $3F/$3D.
 */
export function cloudWatchLogsUrl(ctx: DashboardContext, streamPrefix: string): string {
    const group = containerLogGroupName(ctx.baseName).replace(/\//g, "$252F");
    return `https://${ctx.region}.console.aws.amazon.com/cloudwatch/home?region=${ctx.region}#logsV2:log-groups/log-group/${group}/log-events$3FlogStreamNameFilter$3D${streamPrefix}`;
}

/** Where a team's History Server answers after {@link historyPortForward} (README: Spark History Server). */
export const HISTORY_SERVER_LOCAL_URL = `http://localhost:${HISTORY_SERVER_PORT}`;

/** The command that opens a team's History Server on HISTORY_SERVER_LOCAL_URL. */
export function historyPortForward(ctx: DashboardContext, team: string): string {
    return `kubectl -n ${ctx.historyNamespace} port-forward svc/${historyServerName(team)} ${HISTORY_SERVER_PORT}:${HISTORY_SERVER_PORT}`;
}
