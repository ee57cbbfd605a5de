/**
 * Spark History Servers, one per team.
 *
 * The History Server lists ONE directory, non-recursively, and each team's jobs write event logs to
 * `<eventLogPrefix>/` in the team's own bucket. So every team gets its own Deployment + Service in the
 * shared `spark-history` namespace, and its own ServiceAccount `history-<team>` bound through EKS Pod
 * Identity to its own IAM role `<baseName>-spark-history-<team>`, which reads only that team's event logs. The
 * team's Kubernetes groups may port-forward to it (Role + RoleBinding `history-<team>-ui`).
 *
 * The role trusts Pod Identity only for `spark-history/history-<team>` on this cluster (session tags,
 * shared/iam.ts), like the team roles. Ingress to the namespace is denied by default; each History Server
 * admits only its team's namespace on 18080 (NetworkPolicies `default-deny-ingress`, `history-<team>-ingress`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { NAMESPACES } from "../../lib/platform";
import {
    historyRoleName,
    historyDefaultDenyIngress,
    historyServerConfigMap,
    historyServerDeployment,
    historyServerIngressPolicy,
    historyServerName,
    historyServerNamespace,
    historyServerPolicy,
    historyServerService,
    historyServerSparkConf,
    historyServerUrl,
    historyServiceAccount,
    historyServiceAccountName,
    historyUiAccessRules,
    historyUiAccessSubjects,
    sha256,
} from "./history-server-objects";
import { AWS_REGION, DNS1123_LABEL, S3_PREFIX } from "../../lib/patterns";
import { throwArgProblems } from "../shared/arg-errors";
import { podIdentityTrustPolicy } from "../shared/iam";
import { renderSparkDefaultsConf } from "../shared/spark-conf";

/** One team's History Server input: its name and bucket. */
export interface HistoryServerTeam {
    readonly name: string;
    /** The team's bucket name. */
    readonly bucket: pulumi.Input<string>;
    /** The team's bucket ARN. */
    readonly bucketArn: pulumi.Input<string>;
    /** The team's namespace: the only one whose pods may reach this History Server. Defaults to the team name. */
    readonly namespace?: string;
}

export interface HistoryServerArgs {
    /** Provider for the target cluster. Required. */
    readonly k8sProvider: k8s.Provider;
    /** EKS cluster name, for the Pod Identity associations. Required. */
    readonly clusterName: pulumi.Input<string>;
    /** Stem of physical names, e.g. "moka-prod"; each team's IAM role is `<baseName>-spark-history-<team>`. Required. */
    readonly baseName: string;
    /** Cost-allocation tags for the IAM roles and the Pod Identity associations. Required. */
    readonly tags: Readonly<Record<string, string>>;
    /** Teams and their buckets; each gets `history-<team>` reading `<eventLogPrefix>/` of its bucket. Required. */
    readonly teams: readonly HistoryServerTeam[];
    /** Event-log prefix inside each team bucket, no slashes at either end (config `storage.eventLogPrefix`). Required. */
    readonly eventLogPrefix: string;
    /** ARN of the KMS key the buckets are encrypted with; the roles may decrypt with it through S3 only. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** The platform Spark image (with hadoop-aws >= 3.4 and the AWS SDK v2 bundle), pinned by tag or digest. Required. */
    readonly image: pulumi.Input<string>;
    /** AWS region of the buckets (S3A endpoint region and the kms:ViaService condition). Required. */
    readonly region: string;
}

const TYPE = "moka:spark:HistoryServer";

export class HistoryServer extends pulumi.ComponentResource {
    /** In-cluster URL per team: `http://history-<team>.spark-history.svc.cluster.local:18080`. */
    public readonly urls: pulumi.Output<Record<string, string>>;
    /** ARN of each team's read-only IAM role. */
    public readonly roleArns: pulumi.Output<Record<string, string>>;
    /** The History Servers' namespace. */
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: HistoryServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.k8sProvider) {
            problems.push("args.k8sProvider is required");
        }
        if (!args.baseName) {
            problems.push("args.baseName is required");
        }
        if (!args.teams || args.teams.length === 0) {
            problems.push("args.teams must list at least one team");
        }
        const names = (args.teams ?? []).map((t) => t.name);
        names.forEach((team, i) => {
            if (!DNS1123_LABEL.test(team) || team.length > 40) {
                problems.push(`args.teams entry "${team}" must be a DNS-1123 label of at most 40 characters`);
            } else if (names.indexOf(team) !== i) {
                problems.push(`args.teams lists "${team}" twice`);
            } else if (historyRoleName(args.baseName ?? "", team).length > 64) {
                problems.push(`IAM role name "${historyRoleName(args.baseName, team)}" is longer than 64 characters; shorten args.baseName or the team name`);
            }
        });
        if (!S3_PREFIX.test(args.eventLogPrefix ?? "")) {
            problems.push(`args.eventLogPrefix must be an S3 key prefix without leading or trailing '/', got "${args.eventLogPrefix}"`);
        }
        if (!AWS_REGION.test(args.region ?? "")) {
            problems.push(`args.region must be an AWS region such as us-west-2, got "${args.region}"`);
        }
        throwArgProblems(TYPE, name, problems);

        const tags = { ...args.tags };
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, historyServerNamespace(), k8sOpts);
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol-default-deny-ingress`, historyDefaultDenyIngress(), { ...k8sOpts, dependsOn: [ns] });

        const urls: Record<string, string> = {};
        const roleArns: Record<string, pulumi.Output<string>> = {};
        for (const team of args.teams) {
            const t = team.name;
            // --- IAM: the team's read-only role, via Pod Identity on the team's own ServiceAccount ---
            const role = new aws.iam.Role(`${name}-${t}-role`, {
                name: historyRoleName(args.baseName, t),
                description: `Spark History Server of team ${t}: read-only access to the team's event logs`,
                assumeRolePolicy: pulumi.output(args.clusterName).apply((clusterName) => JSON.stringify(podIdentityTrustPolicy({
                    workload: { clusterName, namespace: NAMESPACES.historyServer, serviceAccount: historyServiceAccountName(t) },
                }))),
                tags,
            }, { parent: this });
            const policy = new aws.iam.RolePolicy(`${name}-${t}-read-event-logs`, {
                role: role.id,
                policy: pulumi.all([team.bucketArn, args.kmsKeyArn]).apply(([bucketArn, kmsKeyArn]) =>
                    JSON.stringify(historyServerPolicy({ bucketArn, kmsKeyArn, eventLogPrefix: args.eventLogPrefix, region: args.region }))),
            }, { parent: this });
            const sa = new k8s.core.v1.ServiceAccount(`${name}-${t}-service-account`, historyServiceAccount(t), { ...k8sOpts, dependsOn: [ns] });
            const association = new aws.eks.PodIdentityAssociation(`${name}-${t}-pod-identity`, {
                clusterName: args.clusterName,
                namespace: NAMESPACES.historyServer,
                serviceAccount: historyServiceAccountName(t),
                roleArn: role.arn,
                // The trust policy matches on the session tags; never switch them off.
                disableSessionTags: false,
                tags,
            }, { parent: this, dependsOn: [policy] });

            // --- the server: config, Deployment, Service ---
            // The shared renderer without the managed-by header: the file (and the hash that rolls the pod) stays as deployed.
            const sparkDefaults = pulumi.output(team.bucket).apply((bucket) => renderSparkDefaultsConf(
                historyServerSparkConf({ bucket, eventLogPrefix: args.eventLogPrefix, region: args.region }), { header: false }));
            const conf = new k8s.core.v1.ConfigMap(`${name}-${t}-conf`, historyServerConfigMap(t, sparkDefaults), { ...k8sOpts, dependsOn: [ns] });
            new k8s.apps.v1.Deployment(`${name}-${t}`, historyServerDeployment({
                team: t,
                image: args.image,
                configHash: sparkDefaults.apply(sha256),
            }), { ...k8sOpts, dependsOn: [ns, sa, conf, association] });
            new k8s.core.v1.Service(`${name}-${t}-service`, historyServerService(t), { ...k8sOpts, dependsOn: [ns] });
            new k8s.networking.v1.NetworkPolicy(`${name}-${t}-netpol`, historyServerIngressPolicy(t, team.namespace ?? t), { ...k8sOpts, dependsOn: [ns] });

            // --- the team's people may port-forward to it ---
            const uiName = `${historyServerName(t)}-ui`;
            const uiRole = new k8s.rbac.v1.Role(`${name}-${t}-ui-role`, {
                metadata: { name: uiName, namespace: NAMESPACES.historyServer, labels: { "moka.dev/team": t, "app.kubernetes.io/managed-by": "pulumi" } },
                rules: historyUiAccessRules(t),
            }, { ...k8sOpts, dependsOn: [ns] });
            new k8s.rbac.v1.RoleBinding(`${name}-${t}-ui-rolebinding`, {
                metadata: { name: uiName, namespace: NAMESPACES.historyServer, labels: { "moka.dev/team": t, "app.kubernetes.io/managed-by": "pulumi" } },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: uiRole.metadata.name },
                subjects: historyUiAccessSubjects(t),
            }, { ...k8sOpts, dependsOn: [ns] });

            urls[t] = historyServerUrl(t);
            roleArns[t] = role.arn;
        }

        this.urls = pulumi.output(urls);
        this.roleArns = pulumi.output(roleArns);
        this.namespace = ns.metadata.name;
        this.registerOutputs({ urls: this.urls, roleArns: this.roleArns, namespace: this.namespace });
    }
}
