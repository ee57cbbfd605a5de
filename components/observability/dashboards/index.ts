/**
 * The platform's Grafana dashboards, generated with Grafana's typed SDK from the stack's configuration:
 * Spark jobs by team, queues, capacity and cost, platform health. The Grafana component provisions each
 * as a ConfigMap the chart's dashboard sidecar loads (components/observability/grafana.ts).
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { capacityCostDashboard } from "./capacity-cost";
import type { DashboardContext } from "./context";
import { platformHealthDashboard } from "./platform-health";
import { queuesDashboard } from "./queues";
import { sparkJobsDashboard } from "./spark-jobs";

export { catalogueIndex, METRIC_CATALOGUE, platformCollectorOutput } from "./catalogue";
export { dashboardProblems, queryProblems } from "./check";
export { dashboardContext, dashboardPools, type DashboardContext, type DashboardPool } from "./context";
export { AMP_DATASOURCE, dashboardQueries } from "./panels";

/** One provisioned dashboard: a file-name slug and the dashboard model. */
export interface PlatformDashboard {
    readonly slug: string;
    readonly dashboard: Dashboard;
}

/** Every platform dashboard, in a stable order. */
export function platformDashboards(ctx: DashboardContext): PlatformDashboard[] {
    return [
        { slug: "spark-jobs", dashboard: sparkJobsDashboard(ctx) },
        { slug: "queues", dashboard: queuesDashboard(ctx) },
        { slug: "capacity-cost", dashboard: capacityCostDashboard(ctx) },
        { slug: "platform-health", dashboard: platformHealthDashboard(ctx) },
    ];
}
