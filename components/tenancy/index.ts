/**
 * One tenant of the platform: a team namespace and everything that makes it safe to share the cluster.
 *
 * Per team:
 * - Namespace (labels: PSA enforce = the team's level, audit/warn = restricted; moka.dev/team,
 *   moka.dev/environment, moka.dev/tenant=true), ResourceQuota and LimitRange (components/tenancy/quota.ts).
 * - NetworkPolicies: default deny both ways, then same-namespace, scrapers, operators, DNS (selector and the
 *   kube-dns ClusterIP), the Pod Identity agent, HTTPS, the OTLP collector and the team's History Server
 *   (components/tenancy/network-policies.ts). Enforced by the VPC CNI agent.
 * - ServiceAccount `spark` with a namespaced Role for Spark drivers (components/tenancy/rbac.ts).
 * - Access for the team's people and CI (components/tenancy/access.ts): per principal an EKS access entry
 *   (STANDARD) in the team's Kubernetes group, with AmazonEKSEditPolicy (CI, edit developers) or
 *   AmazonEKSViewPolicy scoped to the namespace; Roles + RoleBindings giving those groups the custom
 *   resources the access policies do not cover (SparkApplications, and Flink/Ray CRs when enabled). No
 *   cluster-scoped RBAC.
 * - IAM role `<baseName>-team-<team>` for `spark` via EKS Pod Identity with the S3A permissions on the team's
 *   own bucket, read grants on shared prefixes of other teams' buckets and the storage key
 *   (components/tenancy/iam.ts); plus the event-log directory marker, without which Spark
 *   (`spark.eventLog.dir` must exist) and the team's History Server refuse to start on an empty prefix.
 * - ConfigMap `spark-defaults` with `spark-defaults.conf` and `sparkapplication-defaults.yaml`
 *   (components/tenancy/spark-defaults.ts), the in-cluster copy of what the contract publishes as
 *   `sparkConf` and `sparkApplicationDefaults`.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TeamConfig } from "../../config";
import { NAMESPACES, SPARK_SERVICE_ACCOUNT, teamKubernetesGroup, teamQueue, TEAM_ACCESS_LEVELS } from "../../lib/platform";
import { partitionOfRegion } from "../../lib/aws-partition";
import type { Arch } from "../../lib/instance-families";
import { DEFAULT_EXECUTOR_ARCHITECTURES, platformSparkDefaults, sparkApplicationDefaults, SPARK_DEFAULTS_CONFIGMAP, sparkDefaultsConfigMapData, type SparkApplicationDefaults } from "./spark-defaults";
import { IAM_ROLE_NAME_MAX, teamAccessPolicy, teamRoleName, teamTrustPolicy } from "./iam";
import { accessPolicyArn, ACCESS_POLICY_BY_LEVEL, type CustomResourceEngines, teamAccessDescription, type TeamAccessDescription, teamGroupRules, teamPrincipalProblems, teamPrincipals } from "./access";
import { POD_SECURITY_REASON_ANNOTATION, teamNamespaceLabels, teamObjectLabels } from "./namespace";
import { type ServiceEndpoint, teamNetworkPolicies } from "./network-policies";
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
    /** Role + RoleBinding per access level: `team-edit`, `team-view`. */
    accessRole: (level: string) => `team-${level}`,
} as const;

/** Read access to a prefix of another team's bucket (its owner's bucket ARN). */
export interface TeamSharedRead {
    readonly team: string;
    readonly bucketArn: pulumi.Input<string>;
    readonly prefix: string;
}

/** Arguments for {@link Team}. */
export interface TeamArgs {
    /** The validated team entry (`moka:teams[i]`): name, namespace, quota, prefixes, pod security, access. Required. */
    readonly team: TeamConfig;
    /** Environment name stamped on the namespace (`moka.dev/environment`), e.g. "dev". Required. */
    readonly environment: string;
    /** Stem of physical AWS names, e.g. "moka-dev"; the IAM role is `<baseName>-team-<team>`. Required. */
    readonly baseName: string;
    /** EKS cluster name, for the access entries, the Pod Identity association and the role's trust condition. Required. */
    readonly clusterName: pulumi.Input<string>;
    /** Provider for the cluster every Kubernetes child is created in. Required. */
    readonly k8sProvider: k8s.Provider;
    /** The team's bucket name (SparkStorage.teamBuckets[team].bucket). Required. */
    readonly bucket: pulumi.Input<string>;
    /** The team's bucket ARN; the role's S3 grants are built from it. Required. */
    readonly bucketArn: pulumi.Input<string>;
    /** Prefixes of other teams' buckets this team reads (resolved from `team.sharedPrefixes`). Defaults to none. */
    readonly sharedReads?: readonly TeamSharedRead[];
    /** ARN of the KMS key the buckets are encrypted with. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Event-log prefix in the team's bucket (`moka:storage.eventLogPrefix`). Required. */
    readonly eventLogPrefix: string;
    /** Container-log prefix in the team's bucket (`moka:storage.containerLogPrefix`); the role reads it. Required. */
    readonly containerLogPrefix: string;
    /** AWS region of the stack (S3A endpoint region, KMS ViaService, ARN partition). Required. */
    readonly region: string;
    /** Tags for every taggable AWS resource; a `team` tag is added. Required. */
    readonly tags: Record<string, string>;
    /** `moka:cluster.adminRoleArns`: a team principal among them keeps its admin entry and gets none here. Defaults to []. */
    readonly adminRoleArns?: readonly string[];
    /** Engines whose custom resources the team's groups may manage (Spark always). Defaults to Spark only. */
    readonly engines?: CustomResourceEngines;
    /** The kube-dns ClusterIP, allowed as an ipBlock for DNS egress. Defaults to the pod selector only. */
    readonly kubeDnsIp?: string;
    /** The OTLP collector endpoint team pods may reach. Defaults to no OTLP egress. */
    readonly otlp?: ServiceEndpoint;
    /** The team's History Server endpoint team pods may reach. Defaults to no History Server egress. */
    readonly historyServer?: ServiceEndpoint;
    /** Namespaces whose pods scrape team pods' metrics. Defaults to [NAMESPACES.observability]. */
    readonly scraperNamespaces?: string[];
    /** Operator/webhook namespaces whose controllers must reach team pods. Defaults to [NAMESPACES.sparkOperator, NAMESPACES.yunikorn]. */
    readonly webhookNamespaces?: string[];
    /** Pod Security Admission policy version for the namespace labels ("latest" or "v1.<minor>"). Defaults to "latest". */
    readonly podSecurityVersion?: string;
    /** Adds `requests.storage` (GiB) to the ResourceQuota. Defaults to no storage quota. */
    readonly storageQuotaGi?: number;
    /** Architectures of the executor NodePools, Graviton first (executorArchitectures(moka:nodePools)); the executor affinity. Defaults to ["arm64", "amd64"]. */
    readonly executorArchitectures?: readonly Arch[];
}

const TYPE = "moka:tenancy:Team";

/** A team namespace with its quota, network isolation, access, Spark RBAC, AWS identity and Spark defaults. */
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
    /** The team's bucket. */
    public readonly bucket: pulumi.Output<string>;
    /** The team's read/write data prefix in its bucket. */
    public readonly dataPrefix: string;
    /** `s3a://<bucket>/<dataPrefix>/`. */
    public readonly dataUri: pulumi.Output<string>;
    /** The event-log prefix in the team's bucket. */
    public readonly eventLogPrefix: string;
    /** `s3a://<bucket>/<eventLogPrefix>/`. */
    public readonly eventLogUri: pulumi.Output<string>;
    /** `s3a://<bucket>/<containerLogPrefix>/`: the team's container logs (read-only). */
    public readonly containerLogUri: pulumi.Output<string>;
    /** `s3a://<owner bucket>/<prefix>/` of every shared read grant. */
    public readonly sharedReadUris: pulumi.Output<string[]>;
    /** The platform Spark properties for this team (what `spark-defaults.conf` holds). */
    public readonly sparkDefaults: pulumi.Output<Record<string, string>>;
    /** The SparkApplication spec fragment (spot-safe defaults) for this team. */
    public readonly sparkApplicationDefaults: pulumi.Output<SparkApplicationDefaults>;
    /** Who may use the namespace and what they may do (contract `access`). */
    public readonly access: TeamAccessDescription;

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
        const adminRoleArns = args.adminRoleArns ?? [];
        const engines = args.engines ?? {};
        const sharedReads = args.sharedReads ?? [];
        const partition = partitionOfRegion(args.region);
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
        const netInput = { scraperNamespaces, operatorNamespaces, kubeDnsIp: args.kubeDnsIp, otlp: args.otlp, historyServer: args.historyServer };
        for (const policy of teamNetworkPolicies(netInput)) {
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

        // --- people and CI: EKS access entries + RBAC for what the access policies do not cover ----
        for (const level of TEAM_ACCESS_LEVELS) {
            const groupRole = new k8s.rbac.v1.Role(`${name}-${level}-role`, {
                metadata: { name: TEAM_OBJECT_NAMES.accessRole(level), namespace, labels },
                rules: teamGroupRules(level, engines),
            }, k8sOpts);
            new k8s.rbac.v1.RoleBinding(`${name}-${level}-rolebinding`, {
                metadata: { name: TEAM_OBJECT_NAMES.accessRole(level), namespace, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: groupRole.metadata.name },
                subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: teamKubernetesGroup(team.name, level) }],
            }, k8sOpts);
        }
        const principals = teamPrincipals(team.access, adminRoleArns);
        for (const p of principals.filter((x) => !x.viaAdminEntry)) {
            const entry = new aws.eks.AccessEntry(`${name}-access-${p.slug}`, {
                clusterName: args.clusterName,
                principalArn: p.roleArn,
                type: "STANDARD",
                kubernetesGroups: [teamKubernetesGroup(team.name, p.level)],
                tags,
            }, { parent: this });
            new aws.eks.AccessPolicyAssociation(`${name}-access-${p.slug}-policy`, {
                clusterName: args.clusterName,
                principalArn: entry.principalArn,
                policyArn: accessPolicyArn(partition, ACCESS_POLICY_BY_LEVEL[p.level]),
                accessScope: { type: "namespace", namespaces: [team.namespace] },
            }, { parent: this, dependsOn: [ns] });
        }

        // --- AWS identity (EKS Pod Identity) ----------------------------------------------------
        const iamRole = new aws.iam.Role(`${name}-role`, {
            name: roleName,
            description: `Spark workloads of team ${team.name} (${args.environment}), via EKS Pod Identity`,
            assumeRolePolicy: pulumi.output(args.clusterName).apply((clusterName) => JSON.stringify(teamTrustPolicy({
                clusterName, namespace: team.namespace, serviceAccount: SPARK_SERVICE_ACCOUNT,
            }))),
            tags,
        }, { parent: this });

        const sharedArns = pulumi.all(sharedReads.map((r) => r.bucketArn));
        const access = new aws.iam.RolePolicy(`${name}-access`, {
            name: "team-data-access",
            role: iamRole.name,
            policy: pulumi.all([args.bucketArn, args.kmsKeyArn, sharedArns]).apply(([bucketArn, kmsKeyArn, arns]) =>
                JSON.stringify(teamAccessPolicy({
                    bucketArn, kmsKeyArn,
                    dataPrefix: team.dataPrefix,
                    eventLogPrefix: args.eventLogPrefix,
                    containerLogPrefix: args.containerLogPrefix,
                    sharedReads: sharedReads.map((r, i) => ({ team: r.team, bucketArn: arns[i], prefix: r.prefix })),
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

        // Directory marker: S3A sees `<eventLogPrefix>/` as an existing directory before the first app runs.
        new aws.s3.BucketObjectv2(`${name}-event-log-dir`, {
            bucket: args.bucket,
            key: `${args.eventLogPrefix}/`,
            content: "",
            contentType: "application/x-directory",
            tags,
        }, { parent: this });

        // --- Spark defaults -------------------------------------------------------------------
        const sparkInput = pulumi.output(args.bucket).apply((bucket) => ({
            bucket, eventLogPrefix: args.eventLogPrefix, team: team.name, region: args.region, executorArchitectures,
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
        this.bucket = pulumi.output(args.bucket);
        this.dataPrefix = team.dataPrefix;
        this.dataUri = pulumi.interpolate`s3a://${args.bucket}/${team.dataPrefix}/`;
        this.eventLogPrefix = args.eventLogPrefix;
        this.eventLogUri = pulumi.interpolate`s3a://${args.bucket}/${args.eventLogPrefix}/`;
        this.containerLogUri = pulumi.interpolate`s3a://${args.bucket}/${args.containerLogPrefix}/`;
        this.sharedReadUris = sharedArns.apply((arns) => sharedReads.map((r, i) => `s3a://${arns[i].slice(arns[i].indexOf(":::") + 3)}/${r.prefix}/`));
        this.sparkDefaults = sparkInput.apply(platformSparkDefaults);
        this.sparkApplicationDefaults = sparkInput.apply(sparkApplicationDefaults);
        this.access = teamAccessDescription(team.name, team.namespace, principals, engines);
        this.registerOutputs({
            namespace: this.namespace,
            serviceAccount: this.serviceAccount,
            roleArn: this.roleArn,
            queue: this.queue,
            bucket: this.bucket,
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
    for (const key of ["eventLogPrefix", "containerLogPrefix"] as const) {
        if (!S3_PREFIX.test(args[key] ?? "")) {
            problems.push(`args.${key} "${args[key]}" must be an S3 prefix without leading or trailing '/'`);
        }
    }
    if (!S3_PREFIX.test(team.dataPrefix)) {
        problems.push(`args.team.dataPrefix "${team.dataPrefix}" must be an S3 prefix without leading or trailing '/'`);
    }
    (args.sharedReads ?? []).forEach((r, i) => {
        if (!S3_PREFIX.test(r.prefix)) {
            problems.push(`args.sharedReads[${i}].prefix "${r.prefix}" must be an S3 prefix without leading or trailing '/'`);
        }
        if (r.team === team.name) {
            problems.push(`args.sharedReads[${i}] names the team itself; shared reads are for other teams' buckets`);
        }
    });
    if (!AWS_REGION.test(args.region)) {
        problems.push(`args.region "${args.region}" is not an AWS region`);
    }
    problems.push(...teamPrincipalProblems(team.access, args.adminRoleArns ?? []));
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
