/**
 * Apache YuniKorn: the batch scheduler for the team namespaces. One leaf queue per team with the
 * team's guaranteed/max resources; applications land in the queue named after their namespace.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { platformNamespaceLabels } from "../shared/namespaces";
import type { TeamConfig } from "../../config";
import { resourcesValue, SYSTEM_REPLICAS, SYSTEM_RESOURCES } from "../../lib/capacity/platform";
import { NAMESPACES, SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS, teamQueue } from "../../lib/platform";
import { DEFAULT_YUNIKORN_ADMIN_GROUPS, yunikornQueuesConfig } from "./queues";
import { throwArgProblems } from "../shared/arg-errors";
import { platformRelease } from "../shared/helm";

/**
 * Chart coordinates. YuniKorn 1.9.0 (released 2026-07-29) is the latest 1.x. The chart's Chart.yaml
 * says 0.0.0 in git; the release tool stamps the version and rewrites image tags `*-latest` →
 * `*-1.9.0` (apache/yunikorn-release release-tools/build-release.py), so the images are pinned here too.
 *
 * Values keys checked against apache/yunikorn-release helm-charts/yunikorn/values.yaml and templates/
 * at tag v1.8.0 and at master 2026-05-28 (the newest stored snapshot; the v1.9.0 tag was not in the
 * mirror), and against the 1.9.0 Helm settings reference, apache/yunikorn-site
 * versioned_docs/version-1.9.0/user_guide/service_config.md. Only keys present in all three are used;
 * none of the settings 1.9.0 removed (configuration, placeHolderImage, admissionController.*Namespaces,
 * operatorPlugins) and not goMemoryLimit (replaced by goMemoryLimitPercentage in 1.9.0).
 */
export const YUNIKORN_DEFAULTS = {
    chart: "yunikorn",
    version: "1.9.0",
    repo: "https://apache.github.io/yunikorn-release",
    releaseName: "yunikorn",
    imageRepository: "apache/yunikorn",
    schedulerTag: "scheduler-1.9.0",
    admissionTag: "admission-1.9.0",
    webTag: "web-1.9.0",
    /** USER 4444:4444 in the scheduler, admission and web images (yunikorn-k8shim docker/*, yunikorn-web Dockerfile). */
    uid: 4444,
} as const;

export interface YunikornValuesOptions {
    /** Groups with admin rights on the root queue. */
    readonly adminGroups: readonly string[];
}

/**
 * Helm values for the yunikorn chart.
 *
 * - `yunikornDefaults` is rendered key by key into the `yunikorn-defaults` ConfigMap; `queues.yaml` is
 *   the key the scheduler reads (`service.policyGroup` defaults to "queues").
 * - The admission controller only processes the team namespaces: with the namespace placement rule and
 *   `create: false`, a platform pod routed to YuniKorn would have no queue and never schedule.
 * - `admissionController.hostNetwork` defaults to true in the chart; on EKS with the VPC CNI the API
 *   server reaches pod IPs directly, and host networking would break the restricted Pod Security level.
 * - No external user or group may pre-set the `yunikorn.apache.org/user.info` annotation.
 */
export function yunikornValues(teams: readonly TeamConfig[], o: YunikornValuesOptions): Record<string, unknown> {
    const system = () => ({
        nodeSelector: { ...SYSTEM_NODE_LABEL },
        tolerations: SYSTEM_TOLERATIONS.map((t) => ({ ...t })),
    });
    const podSecurityContext = {
        runAsNonRoot: true,
        runAsUser: YUNIKORN_DEFAULTS.uid,
        runAsGroup: YUNIKORN_DEFAULTS.uid,
        seccompProfile: { type: "RuntimeDefault" },
    };
    const containerSecurityContext = {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
    };
    const image = (tag: string) => ({ repository: YUNIKORN_DEFAULTS.imageRepository, tag, pullPolicy: "IfNotPresent" });
    // Requests: the chart's defaults made explicit (lib/capacity/platform.ts); the admission controller's
    // template reads all four request/limit fields one by one, so all four are always set.
    return {
        image: image(YUNIKORN_DEFAULTS.schedulerTag),
        ...system(),
        hostNetwork: false,
        resources: resourcesValue(SYSTEM_RESOURCES.yunikornScheduler),
        embedAdmissionController: true,
        enableWebService: true,
        web: { image: image(YUNIKORN_DEFAULTS.webTag), resources: resourcesValue(SYSTEM_RESOURCES.yunikornWeb) },
        admissionController: {
            image: image(YUNIKORN_DEFAULTS.admissionTag),
            // The webhook YuniKorn registers fails open (failurePolicy Ignore): keep two replicas up.
            replicaCount: SYSTEM_REPLICAS.yunikornAdmission,
            hostNetwork: false,
            resources: resourcesValue(SYSTEM_RESOURCES.yunikornAdmission),
            ...system(),
        },
        podSecurityContext,
        schedulerSecurityContext: containerSecurityContext,
        webSecurityContext: containerSecurityContext,
        admissionPodSecurityContext: podSecurityContext,
        admissionContainerSecurityContext: containerSecurityContext,
        yunikornDefaults: {
            "queues.yaml": yunikornQueuesConfig(teams, { adminGroups: o.adminGroups }),
            "admissionController.filtering.processNamespaces": teams.map((t) => `^${t.namespace}$`).join(","),
            "admissionController.accessControl.bypassAuth": "false",
            "admissionController.accessControl.externalUsers": "",
            "admissionController.accessControl.externalGroups": "",
        },
    };
}

export interface YuniKornArgs {
    /** Provider for the target cluster. Required. */
    readonly k8sProvider: k8s.Provider;
    /** The teams; each gets the leaf queue `root.<team>` and its namespace is handed to YuniKorn. Required. */
    readonly teams: readonly TeamConfig[];
    /** Kubernetes groups (EKS access-entry groups, no ':') with admin rights on the root queue. Defaults to [PLATFORM_ADMIN_GROUP] ("platform-admins", the group of the admin roles' access entries). */
    readonly adminGroups?: readonly string[];
    /** Resources the release waits for. Defaults to none. */
    readonly dependsOn?: readonly pulumi.Resource[];
}

const TYPE = "moka:scheduling:YuniKorn";

export class YuniKorn extends pulumi.ComponentResource {
    /** YuniKorn's namespace. */
    public readonly namespace: pulumi.Output<string>;
    /** Name of the Helm release. */
    public readonly releaseName: pulumi.Output<string>;
    /** The scheduler name pods use: "yunikorn". */
    public readonly schedulerName: string;
    /** Queue per team, e.g. { analytics: "root.analytics" }. */
    public readonly queues: Readonly<Record<string, string>>;

    constructor(name: string, args: YuniKornArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.k8sProvider) {
            problems.push("args.k8sProvider is required");
        }
        if (!args.teams || args.teams.length === 0) {
            problems.push("args.teams must list at least one team");
        }
        if (args.adminGroups !== undefined && args.adminGroups.length === 0) {
            problems.push("args.adminGroups must not be empty; omit it for the default");
        }
        const adminGroups = args.adminGroups ?? DEFAULT_YUNIKORN_ADMIN_GROUPS;
        // The queue builder refuses bad quotas, duplicate teams and ACL names YuniKorn would drop.
        let values: Record<string, unknown> = {};
        if (problems.length === 0) {
            try {
                values = yunikornValues(args.teams, { adminGroups });
            } catch (e) {
                problems.push((e as Error).message);
            }
        }
        throwArgProblems(TYPE, name, problems);
        const k8sOpts = { parent: this, provider: args.k8sProvider };

        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: {
                name: NAMESPACES.yunikorn,
                labels: platformNamespaceLabels("restricted"),
            },
        }, k8sOpts);

        const release = platformRelease(`${name}-release`, YUNIKORN_DEFAULTS, ns.metadata.name, values,
            { ...k8sOpts, dependsOn: [ns, ...(args.dependsOn ?? [])] });

        this.namespace = ns.metadata.name;
        this.releaseName = release.name;
        this.schedulerName = "yunikorn";
        this.queues = Object.fromEntries(args.teams.map((t) => [t.name, teamQueue(t.name)]));
        this.registerOutputs({
            namespace: this.namespace,
            releaseName: this.releaseName,
            schedulerName: this.schedulerName,
            queues: this.queues,
        });
    }
}
