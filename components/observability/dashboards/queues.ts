/**
 * "Queues": each team's YuniKorn queue (`root.<team>`, lib/platform.ts teamQueue) against its guaranteed
 * and max resources, and its applications by state.
 *
 * YuniKorn 1.9 (apache/yunikorn-core v1.9.0-0 pkg/metrics/queue.go): `yunikorn_queue_resource{queue,
 * state=guaranteed|max|allocated|pending|preempting, resource}` with `vcore` in millicores and `memory` in
 * bytes, `yunikorn_queue_app{queue, state=new|accepted|running|…}`. The queue's name is a label here; the
 * per-queue container counter carries it in the metric NAME and is not used.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { teamQueue } from "../../../lib/platform";
import type { DashboardContext } from "./context";
import { barGaugePanel, buildDashboard, customVariable, stackedPanel, timeseriesPanel } from "./panels";

export const QUEUES_UID = "moka-queues";

/** The team variable as a queue matcher: `root.(a|b)` once Grafana expands a multi-value $team. */
const QUEUE = `queue=~"${teamQueue("$team")}"`;

const resource = (state: string, res: string) => `max by (queue) (yunikorn_queue_resource{${QUEUE}, state="${state}", resource="${res}"})`;

export function queuesDashboard(ctx: DashboardContext): Dashboard {
    return buildDashboard({
        uid: QUEUES_UID,
        title: "Moka / Queues",
        description: "YuniKorn queue usage against guaranteed and max resources, pending and running applications per queue.",
        variables: [customVariable("team", "Team (queue root.<team>)", ctx.teams)],
        panels: [
            timeseriesPanel({
                title: "vCPU: allocated vs guaranteed and max",
                description: "Cores allocated to the queue's pods, against the queue's guaranteed share and its max (YuniKorn vcore is millicores).",
                queries: [
                    { expr: `${resource("allocated", "vcore")} / 1000`, legend: "{{queue}} allocated" },
                    { expr: `${resource("guaranteed", "vcore")} / 1000`, legend: "{{queue}} guaranteed" },
                    { expr: `${resource("max", "vcore")} / 1000`, legend: "{{queue}} max" },
                ],
                unit: "short",
            }),
            timeseriesPanel({
                title: "Memory: allocated vs guaranteed and max",
                description: "Memory allocated to the queue's pods, against the queue's guaranteed share and its max.",
                queries: [
                    { expr: resource("allocated", "memory"), legend: "{{queue}} allocated" },
                    { expr: resource("guaranteed", "memory"), legend: "{{queue}} guaranteed" },
                    { expr: resource("max", "memory"), legend: "{{queue}} max" },
                ],
                unit: "bytes",
            }),
            barGaugePanel({
                title: "Usage of guaranteed vCPU",
                description: "Allocated vCPU as a share of the queue's guarantee; above 100% the queue borrows idle capacity and can be preempted.",
                queries: [{ expr: `${resource("allocated", "vcore")} / on(queue) ${resource("guaranteed", "vcore")}`, legend: "{{queue}}", instant: true }],
                unit: "percentunit",
            }),
            barGaugePanel({
                title: "Usage of max vCPU",
                description: "Allocated vCPU as a share of the queue's max; at 100% new pods wait in the queue.",
                queries: [{ expr: `${resource("allocated", "vcore")} / on(queue) ${resource("max", "vcore")}`, legend: "{{queue}}", instant: true }],
                unit: "percentunit",
            }),
            stackedPanel({
                title: "Applications by state",
                description: "Applications per queue: new and accepted ones are pending, running ones have resources.",
                queries: [{ expr: `sum by (queue, state) (yunikorn_queue_app{${QUEUE}, state=~"new|accepted|running"})`, legend: "{{queue}} {{state}}" }],
                unit: "short",
            }),
            timeseriesPanel({
                title: "Pending resources",
                description: "vCPU asked for by pods the queue has not placed yet.",
                queries: [{ expr: `${resource("pending", "vcore")} / 1000`, legend: "{{queue}} pending vCPU" }],
                unit: "short",
            }),
            timeseriesPanel({
                title: "Allocation attempts by outcome",
                description: "Scheduler-wide container allocation attempts per second: allocated, rejected, error, released.",
                queries: [{ expr: "sum by (state) (rate(yunikorn_scheduler_container_allocation_attempt_total[$__rate_interval]))", legend: "{{state}}" }],
                unit: "ops",
                w: 24,
            }),
        ],
    });
}
