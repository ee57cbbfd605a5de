/**
 * One tenant of the platform: a team namespace and everything that makes it safe to share the cluster.
 *
 * Per team:
 * - Namespace (labels: PSA enforce = the team's level, audit/warn = restricted; moka.dev/team,
 *   moka.dev/environment, moka.dev/tenant=true), ResourceQuota and LimitRange (components/tenancy/quota.ts).
 * - NetworkPolicies: default deny both ways, then same-namespace, scrapers, operators, DNS, the Pod
 *   Identity agent and HTTPS egress (components/tenancy/network-policies.ts). Enforced by the VPC CNI agent.
 * - ServiceAccount `spark` with a namespaced Role for Spark drivers (components/tenancy/rbac.ts). No
 *   cluster-scoped RBAC.
 * - IAM role `<baseName>-team-<team>` for that ServiceAccount via EKS Pod Identity, scoped to the team's
 *   data prefix, its shared read prefixes, its event-log directory and the storage key
 *   (components/tenancy/iam.ts); plus the event-log directory marker object, without which Spark
 *   (`spark.eventLog.dir` must exist) and the team's History Server refuse to start on an empty prefix.
 * - ConfigMap `spark-defaults` with `spark-defaults.conf` and the driver/executor pod templates
 *   (components/tenancy/spark-defaults.ts). A SparkApplication mounts it with `spec.sparkConfigMap: spark-defaults`
 *   (the Spark Operator mounts it at /etc/spark/conf and sets SPARK_CONF_DIR). Because the operator
 *   submits with `--properties-file`, Spark does not read that spark-defaults.conf on its own; apps
 *   merge the same properties (`sparkDefaults` output, contract `teams.<team>.sparkConf`) into
 *   `spec.sparkConf`. See the header of components/tenancy/spark-defaults.ts.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TeamConfig } from "../../config";
import { NAMESPACES, SPARK_SERVICE_ACCOUNT, teamEventLogPrefix, teamQueue } from "../../lib/platform";
import type { Arch } from "../../lib/instance-families";
import { DEFAULT_EXECUTOR_ARCHITECTURES, platformSparkDefaults, SPARK_DEFAULTS_CONFIGMAP, sparkDefaultsConfigMapData } from "./spark-defaults";
import { IAM_ROLE_NAME_MAX, teamAccessPolicy, teamRoleName, teamTrustPolicy } from "./iam";
import { POD_SECURITY_REASON_ANNOTATION, teamNamespaceLabels, teamObjectLabels } from "./namespace";
import { teamNetworkPolicies } from "./network-policies";
import { limitRangeLimits, quotaHard } from "./quota";
import { sparkDriverRules } from "./rbac";
import { AWS_REGION, DNS1123_LABEL, S3_PREFIX } from "../../lib/patterns";
import { throwArgProblems } from "../shared/arg-errors";

/** Kubernetes names of the objects a Team creates inside its namespace. */
export const TEAM_OBJECT_NAMES = {
    quota: "team-quota",
    limitRange: "team-limits",
    role: "spark-driver",
    roleBinding: "spark-driver",
    sparkDefaults: SPARK_DEFAULTS_CONFIGMAP,
} as const;

/** Arguments for {@link Team}. */
export interface TeamArgs {
    /** The validated team entry (`moka:teams[i]`): name, namespace, quota, prefixes, pod security. Required. */
    readonly team: TeamConfig;
    /** Environment name stamped on the namespace (`moka.dev/environment`), e.g. "dev". Required. */
    readonly environment: string;
    /** Stem of physical AWS names, e.g. "moka-dev"; the IAM role is `<baseName>-team-<team>`. Required. */
    readonly baseName: string;
    /** EKS cluster name, for the Pod Identity association and the role's trust condition. Required. */
    readonly clusterName: pulumi.Input<string>;
    /** Provider for the cluster every Kubernetes child is created in. Required. */
    readonly k8sProvider: k8s.Provider;
    /** Data bucket name. Required. */
    readonly dataBucket: pulumi.Input<string>;
    /** Data bucket ARN; the role's S3 grants are built from it. Required. */
    readonly dataBucketArn: pulumi.Input<string>;
    /** Spark event-log bucket name (goes into `spark.eventLog.dir`). Required. */
    readonly eventLogBucket: pulumi.Input<string>;
    /** Spark event-log bucket ARN. Required. */
    readonly eventLogBucketArn: pulumi.Input<string>;
    /** ARN of the KMS key the buckets are encrypted with. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Platform event-log prefix (`moka:storage.eventLogPrefix`); the team writes below `<prefix>/<team>`. Required. */
    readonly eventLogPrefix: string;
    /** AWS region of the stack (S3A endpoint region, KMS ViaService). Required. */
    readonly region: string;
    /** Tags for every taggable AWS resource; a `team` tag is added. Required. */
    readonly tags: Record<string, string>;
    /** Namespaces whose pods scrape team pods' metrics. Defaults to [NAMESPACES.observability]. */
    readonly scraperNamespaces?: string[];
    /** Operator/webhook namespaces whose controllers must reach team pods. Defaults to [NAMESPACES.sparkOperator, NAMESPACES.yunikorn]. */
    readonly webhookNamespaces?: string[];
    /** Pod Security Admission policy version for the namespace labels ("latest" or "v1.<minor>"). Defaults to "latest". */
    readonly podSecurityVersion?: string;
    /** Adds `requests.storage` (GiB) to the ResourceQuota. Defaults to no storage quota. */
    readonly storageQuotaGi?: number;
    /** Architectures of the executor NodePools, Graviton first (executorArchitectures(moka:nodePools)); the executor pod template's affinity. Defaults to ["arm64", "amd64"]. */
    readonly executorArchitectures?: readonly Arch[];
}

const TYPE = "moka:tenancy:Team";

/** A team namespace with its quota, network isolation, Spark RBAC, AWS identity and Spark defaults. */
export class Team extends pulumi.ComponentResource {
    /** The team name (`moka:teams[i].name`). */
    public readonly teamName: string;
    public readonly namespace: pulumi.Output<string>;
    /** The ServiceAccount Spark drivers and executors run as. */
    public readonly serviceAccount: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;
    /** The team's YuniKorn queue (`root.<team>`). */
    public readonly queue: string;
    /** The team's read/write prefix in the data bucket. */
    public readonly dataPrefix: string;
    /** `s3a://<dataBucket>/<dataPrefix>/`. */
    public readonly dataUri: pulumi.Output<string>;
    /** The team's directory in the event-log bucket (`<eventLogPrefix>/<team>`). */
    public readonly eventLogPrefix: string;
    /** The platform Spark properties for this team (what `spark-defaults.conf` holds). */
    public readonly sparkDefaults: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: TeamArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        // --- validate --------------------------------------------------------------------------
        const team = args.team;
        const roleName = teamRoleName(args.baseName, team.name);
        throwArgProblems(TYPE, name, teamArgsProblems(args, roleName));

        // --- defaults --------------------------------------------------------------------------
        const scraperNamespaces = args.scraperNamespaces ?? [NAMESPACES.observability];
        const operatorNamespaces = args.webhookNamespaces ?? [NAMESPACES.sparkOperator, NAMESPACES.yunikorn];
        const podSecurityVersion = args.podSecurityVersion ?? "latest";
        const executorArchitectures = args.executorArchitectures ?? DEFAULT_EXECUTOR_ARCHITECTURES;
        const eventLogDir = teamEventLogPrefix(args.eventLogPrefix, team.name);
        const tags = { ...args.tags, team: team.name };
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        const labels = teamObjectLabels(team.name);

        // --- namespace, quota, limits ---------------------------------------------------------
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: {
                name: team.namespace,
                labels: teamNamespaceLabels({ team: team.name, environment: args.environment, podSecurity: team.podSecurity, podSecurityVersion }),
                annotations: team.podSecurity === "baseline" ? { [POD_SECURITY_REASON_ANNOTATION]: team.podSecurityReason! } : undefined,
            },
        }, k8sOpts);
        const namespace = ns.metadata.name;

        new k8s.core.v1.ResourceQuota(`${name}-quota`, {
            metadata: { name: TEAM_OBJECT_NAMES.quota, namespace, labels },
            spec: { hard: quotaHard(team.quota, args.storageQuotaGi) },
        }, k8sOpts);

        new k8s.core.v1.LimitRange(`${name}-limits`, {
            metadata: { name: TEAM_OBJECT_NAMES.limitRange, namespace, labels },
            spec: { limits: limitRangeLimits(team.quota) },
        }, k8sOpts);

        // --- network isolation ------------------------------------------------------------------
        for (const policy of teamNetworkPolicies({ scraperNamespaces, operatorNamespaces })) {
            new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${policy.name}`, {
                metadata: { name: policy.name, namespace, labels },
                spec: policy.spec as k8s.types.input.networking.v1.NetworkPolicySpec,
            }, k8sOpts);
        }

        // --- Spark identity in the cluster ------------------------------------------------------
        const sa = new k8s.core.v1.ServiceAccount(`${name}-spark-sa`, {
            metadata: { name: SPARK_SERVICE_ACCOUNT, namespace, labels },
        }, k8sOpts);

        const role = new k8s.rbac.v1.Role(`${name}-spark-role`, {
            metadata: { name: TEAM_OBJECT_NAMES.role, namespace, labels },
            rules: sparkDriverRules(),
        }, k8sOpts);

        new k8s.rbac.v1.RoleBinding(`${name}-spark-rolebinding`, {
            metadata: { name: TEAM_OBJECT_NAMES.roleBinding, namespace, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace }],
        }, k8sOpts);

        // --- AWS identity (EKS Pod Identity) ----------------------------------------------------
        const iamRole = new aws.iam.Role(`${name}-role`, {
            name: roleName,
            description: `Spark workloads of team ${team.name} (${args.environment}), via EKS Pod Identity`,
            assumeRolePolicy: pulumi.output(args.clusterName).apply((clusterName) => JSON.stringify(teamTrustPolicy({
                clusterName, namespace: team.namespace, serviceAccount: SPARK_SERVICE_ACCOUNT,
            }))),
            tags,
        }, { parent: this });

        const access = new aws.iam.RolePolicy(`${name}-access`, {
            name: "team-data-access",
            role: iamRole.name,
            policy: pulumi.all([args.dataBucketArn, args.eventLogBucketArn, args.kmsKeyArn]).apply(([dataBucketArn, eventLogBucketArn, kmsKeyArn]) =>
                JSON.stringify(teamAccessPolicy({
                    dataBucketArn, eventLogBucketArn, kmsKeyArn,
                    dataPrefix: team.dataPrefix,
                    sharedPrefixes: team.sharedPrefixes,
                    eventLogPrefix: eventLogDir,
                    region: args.region,
                }))),
        }, { parent: this });

        new aws.eks.PodIdentityAssociation(`${name}-pod-identity`, {
            clusterName: args.clusterName,
            namespace,
            serviceAccount: sa.metadata.name,
            roleArn: iamRole.arn,
            // The trust policy matches on the session tags; never switch them off.
            disableSessionTags: false,
            tags,
        }, { parent: this, dependsOn: [access] });

        // Directory marker: S3A sees `<eventLogDir>/` as an existing directory before the first app runs.
        new aws.s3.BucketObjectv2(`${name}-event-log-dir`, {
            bucket: args.eventLogBucket,
            key: `${eventLogDir}/`,
            content: "",
            contentType: "application/x-directory",
            tags,
        }, { parent: this });

        // --- Spark defaults -------------------------------------------------------------------
        const sparkInput = pulumi.output(args.eventLogBucket).apply((eventLogBucket) => ({
            eventLogBucket, eventLogPrefix: args.eventLogPrefix, team: team.name, region: args.region, executorArchitectures,
        }));
        new k8s.core.v1.ConfigMap(`${name}-spark-defaults`, {
            metadata: { name: TEAM_OBJECT_NAMES.sparkDefaults, namespace, labels },
            data: sparkInput.apply(sparkDefaultsConfigMapData),
        }, k8sOpts);

        // --- outputs ---------------------------------------------------------------------------
        this.teamName = team.name;
        this.namespace = namespace;
        this.serviceAccount = sa.metadata.name;
        this.roleArn = iamRole.arn;
        this.roleName = iamRole.name;
        this.queue = teamQueue(team.name);
        this.dataPrefix = team.dataPrefix;
        this.dataUri = pulumi.interpolate`s3a://${args.dataBucket}/${team.dataPrefix}/`;
        this.eventLogPrefix = eventLogDir;
        this.sparkDefaults = sparkInput.apply(platformSparkDefaults);
        this.registerOutputs({
            namespace: this.namespace,
            serviceAccount: this.serviceAccount,
            roleArn: this.roleArn,
            queue: this.queue,
            dataPrefix: this.dataPrefix,
            eventLogPrefix: this.eventLogPrefix,
        });
    }
}

/** Problems with Team args, each naming the arg; empty when valid. Exported for tests. */
export function teamArgsProblems(args: TeamArgs, roleName: string = teamRoleName(args.baseName, args.team.name)): string[] {
    const problems: string[] = [];
    const team = args.team;
    if (!args.baseName) {
        problems.push("args.baseName is required");
    }
    if (!args.environment) {
        problems.push("args.environment is required");
    }
    if (!DNS1123_LABEL.test(team.name)) {
        problems.push(`args.team.name "${team.name}" is not a DNS-1123 label`);
    }
    if (!DNS1123_LABEL.test(team.namespace) || team.namespace.length > 63) {
        problems.push(`args.team.namespace "${team.namespace}" is not a DNS-1123 label`);
    }
    if (roleName.length > IAM_ROLE_NAME_MAX) {
        problems.push(`IAM role name "${roleName}" is ${roleName.length} characters; IAM allows ${IAM_ROLE_NAME_MAX}. Shorten moka:namePrefix or the team name`);
    }
    if (team.podSecurity === "baseline" && !team.podSecurityReason) {
        problems.push("args.team.podSecurityReason is required when args.team.podSecurity is \"baseline\"");
    }
    if (!S3_PREFIX.test(args.eventLogPrefix)) {
        problems.push(`args.eventLogPrefix "${args.eventLogPrefix}" must be an S3 prefix without leading or trailing '/'`);
    }
    if (!S3_PREFIX.test(team.dataPrefix)) {
        problems.push(`args.team.dataPrefix "${team.dataPrefix}" must be an S3 prefix without leading or trailing '/'`);
    }
    if (!AWS_REGION.test(args.region)) {
        problems.push(`args.region "${args.region}" is not an AWS region`);
    }
    for (const key of ["scraperNamespaces", "webhookNamespaces"] as const) {
        (args[key] ?? []).forEach((n, i) => {
            if (!DNS1123_LABEL.test(n)) {
                problems.push(`args.${key}[${i}] "${n}" is not a namespace name`);
            }
        });
    }
    if (args.podSecurityVersion !== undefined && !/^(latest|v1\.\d+)$/.test(args.podSecurityVersion)) {
        problems.push(`args.podSecurityVersion "${args.podSecurityVersion}" must be "latest" or "v1.<minor>"`);
    }
    if (args.executorArchitectures !== undefined) {
        const archs = args.executorArchitectures;
        if (archs.length === 0 || archs.some((a) => a !== "arm64" && a !== "amd64") || new Set(archs).size !== archs.length) {
            problems.push(`args.executorArchitectures [${archs.join(", ")}] must list arm64 and/or amd64, each once`);
        }
    }
    if (args.storageQuotaGi !== undefined && !(Number.isInteger(args.storageQuotaGi) && args.storageQuotaGi > 0)) {
        problems.push(`args.storageQuotaGi ${args.storageQuotaGi} must be a positive whole number of GiB`);
    }
    return problems;
}
