/**
 * Spark applications are scheduled by YuniKorn in their own namespace's queue.
 *
 * Types: `kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication` and ScheduledSparkApplication
 * (whose application spec is `spec.template`), any API version. The spec must set
 * `batchScheduler: yunikorn` (config `batchScheduler`); a queue, when given, must be the namespace's
 * own queue: the `queuePattern` queue (default "root.{namespace}", built by lib/platform.ts teamQueue
 * like the platform's queues), or any queue under root whose leaf is the namespace
 * ("root.spark.<namespace>": a team's queue wherever the platform's hierarchy puts it).
 * Queues are read where kubeflow/spark-operator v2.5.2 and YuniKorn take them from:
 * `batchSchedulerOptions.queue` (the operator's yunikorn scheduler copies it to the driver and executor
 * `queue` label, internal/scheduler/yunikorn/scheduler.go addQueueLabels), the driver/executor `queue`
 * label and `yunikorn.apache.org/queue` label/annotation, and the application's own `metadata.labels`
 * `queue` / `yunikorn.apache.org/queue` (the operator copies metadata.labels onto both pods as
 * spark.kubernetes.{driver,executor}.label.*, internal/controller/sparkapplication/submission.go).
 * An absent queue is fine: the platform's placement rule maps the namespace to its queue. Namespace:
 * metadata.namespace, else the Kubernetes provider's `namespace`, else "default". Queue names compare
 * case-insensitively.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { teamQueue } from "../../../lib/platform";
import { asString, configValue, get, isRecord, isStringValue } from "../../lib/props";
import { listText } from "../../lib/text";
import { URLS } from "../common";
import { expectedQueue, isKind, isOwnQueue } from "../lib/tenancy";

const DEFAULT_BATCH_SCHEDULER = "yunikorn";
/** The platform's queue naming with the namespace as the team: "root.{namespace}". */
const DEFAULT_QUEUE_PATTERN = teamQueue("{namespace}");
const QUEUE_KEYS = ["queue", "yunikorn.apache.org/queue"];

export const sparkAppsUseTeamQueue: ResourceValidationPolicy = {
    name: "spark-apps-use-team-queue",
    description: "Checks that SparkApplications use the YuniKorn batch scheduler and, when they name a queue, their own namespace's queue.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["isolation", "spark", "yunikorn", "quota", "multi-tenancy"],
    url: URLS.yunikornSpark,
    remediationSteps:
        `Set spec.batchScheduler: ${DEFAULT_BATCH_SCHEDULER} and either omit the queue or set spec.batchSchedulerOptions.queue: ${teamQueue("<namespace>")} ` +
        "(the team's queue, stack output teams.<team>.queue; a parent such as root.spark.<namespace> is fine). Remove queue labels/annotations " +
        "(metadata.labels, driver/executor labels) naming another team's queue.",
    configSchema: {
        properties: {
            batchScheduler: { type: "string", default: DEFAULT_BATCH_SCHEDULER, description: "Batch scheduler every SparkApplication must use." },
            queuePattern: { type: "string", default: DEFAULT_QUEUE_PATTERN, description: "A namespace's queue; {namespace} is replaced by the application's namespace." },
        },
    },
    validateResource: (args, reportViolation) => {
        const scheduled = isKind(args.type, "ScheduledSparkApplication");
        if (!scheduled && !isKind(args.type, "SparkApplication")) {
            return;
        }
        const config = args.getConfig();
        const scheduler = configValue(config, "batchScheduler", DEFAULT_BATCH_SCHEDULER, isStringValue);
        const pattern = configValue(config, "queuePattern", DEFAULT_QUEUE_PATTERN, isStringValue);
        const spec = scheduled ? get(args.props, "spec", "template") : get(args.props, "spec");
        const namespace = asString(get(args.props, "metadata", "namespace"))
            ?? (args.provider?.type === "pulumi:providers:kubernetes" ? asString(get(args.provider.props, "namespace")) : undefined)
            ?? "default";
        const appName = asString(get(args.props, "metadata", "name")) ?? args.name;
        const kind = scheduled ? "ScheduledSparkApplication" : "SparkApplication";
        const prefix = scheduled ? "spec.template" : "spec";
        const problems: string[] = [];

        const batchScheduler = asString(get(spec, "batchScheduler"));
        if (batchScheduler === undefined || batchScheduler.trim().toLowerCase() !== scheduler.toLowerCase()) {
            problems.push(batchScheduler === undefined
                ? `${prefix}.batchScheduler is not set (must be "${scheduler}")`
                : `${prefix}.batchScheduler is "${batchScheduler}" (must be "${scheduler}")`);
        }
        const expected = expectedQueue(pattern, namespace);
        const wrongQueue = (where: string, q: unknown) => {
            const queue = asString(q);
            if (queue !== undefined && !isOwnQueue(queue, expected, namespace)) {
                problems.push(`${where} is "${queue}" (must be "${expected}" or another queue whose leaf is "${namespace}")`);
            }
        };
        wrongQueue(`${prefix}.batchSchedulerOptions.queue`, get(spec, "batchSchedulerOptions", "queue"));
        const appLabels = get(args.props, "metadata", "labels");
        if (isRecord(appLabels)) {
            for (const key of QUEUE_KEYS) {
                wrongQueue(`metadata.labels["${key}"]`, appLabels[key]);
            }
        }
        for (const role of ["driver", "executor"]) {
            for (const field of ["labels", "annotations"]) {
                const map = get(spec, role, field);
                if (!isRecord(map)) {
                    continue;
                }
                for (const key of QUEUE_KEYS) {
                    if (field === "annotations" && key === "queue") {
                        continue;
                    }
                    wrongQueue(`${prefix}.${role}.${field}["${key}"]`, map[key]);
                }
            }
        }
        if (problems.length > 0) {
            reportViolation(
                `${kind} "${appName}" in namespace "${namespace}": ${listText(problems)}. Team quotas and fair sharing are enforced by YuniKorn ` +
                    "queues; an application outside YuniKorn, or in another team's queue, consumes that team's guaranteed capacity and escapes its " +
                    `own limits. Set batchScheduler: ${scheduler} and use queue "${expected}" (or the team's queue elsewhere in the hierarchy, ` +
                    "ending in the namespace, or omit the queue).",
            );
        }
    },
};
