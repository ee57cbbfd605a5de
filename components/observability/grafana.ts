/**
 * Grafana: the platform's UI on Amazon Managed Prometheus. The community Grafana chart (pinned) on the
 * system nodes, reached by `kubectl port-forward` only (ClusterIP); its admin password generated
 * (@pulumi/random) into a Secret the chart reads; the stack's AMP workspace as its one data source, signed
 * with SigV4 by the AMP plugin through a Pod Identity role that may only query that workspace; and the
 * platform dashboards, generated with Grafana's typed SDK (./dashboards), as ConfigMaps the chart's sidecar
 * provisions into the "Moka" folder.
 *
 * Why the chart rather than Amazon Managed Grafana: AMG signs users in only through IAM Identity Center or
 * SAML, neither of which this platform has (its people are IAM roles with EKS access entries), and its
 * workspace is a separate managed endpoint and licence per user; an in-cluster Grafana behind the same
 * kubectl access the teams already use needs neither, costs one small pod on the system nodes, and its
 * dashboards are provisioned as code with everything else.
 *
 * The AMP plugin is installed at pod start from grafana.com (pinned id@version; the system nodes reach the
 * internet through the NAT gateways, as for every public image) or from `pluginUrl`, an HTTPS mirror for
 * networks without that egress. Values, data source, IAM and objects: ./grafana-values.ts.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { NAMESPACES, SYSTEM_NODE_LABEL, SYSTEM_TOLERATIONS } from "../../lib/platform";
import { throwArgProblems } from "../shared/arg-errors";
import { platformRelease } from "../shared/helm";
import { podIdentityTrustPolicy } from "../shared/iam";
import { platformDashboards, type DashboardContext } from "./dashboards";
import {
    ADMIN_SECRET_KEYS, ampQueryPolicy, dashboardConfigMap, dashboardReaderRole, grafanaValues, GRAFANA_PORTS,
} from "./grafana-values";

/**
 * Chart coordinates: grafana-community/helm-charts (the chart moved there from grafana/helm-charts, whose
 * last release 10.5.15 is deprecated). Values keys checked against charts/grafana/values.yaml at tag
 * grafana-12.11.1 (appVersion 13.2.0). Also published as oci://ghcr.io/grafana-community/helm-charts/grafana.
 */
export const GRAFANA_DEFAULTS = {
    chart: "grafana",
    version: "12.11.1",
    repo: "https://grafana-community.github.io/helm-charts",
    releaseName: "grafana",
    serviceAccountName: "grafana",
    image: { registry: "docker.io", repository: "grafana/grafana", tag: "13.2.0" },
    sidecarImage: { registry: "quay.io", repository: "kiwigrid/k8s-sidecar", tag: "2.10.1" },
    adminUser: "admin",
} as const;

/** Arguments for {@link Grafana}. */
export interface GrafanaArgs {
    /** Provider of the target cluster. Required. */
    readonly k8sProvider: k8s.Provider;
    /** EKS cluster name (Pod Identity association). Required. */
    readonly clusterName: pulumi.Input<string>;
    /** Stem of physical names, e.g. "moka-prod". Required. */
    readonly baseName: string;
    /** AWS region of the workspace (SigV4 signing region). Required. */
    readonly region: string;
    /** Tags for every taggable AWS resource. Required. */
    readonly tags: Record<string, string>;
    /** ARN of the AMP workspace Grafana may query (Metrics.workspaceArn). Required. */
    readonly workspaceArn: pulumi.Input<string>;
    /** The workspace's Prometheus endpoint (Metrics.prometheusEndpoint). Required. */
    readonly prometheusEndpoint: pulumi.Input<string>;
    /** Teams, pools and names the dashboards are generated from. Required. */
    readonly dashboards: DashboardContext;
    /** Namespace to install into; it must exist. Defaults to "observability". */
    readonly namespace?: string;
    /** HTTPS URL of the AMP plugin's zip to install from instead of grafana.com. Defaults to none (grafana.com). */
    readonly pluginUrl?: string;
    /** Resources the Kubernetes children wait for (typically the namespace). Defaults to none. */
    readonly dependsOn?: pulumi.Resource[];
}

const TYPE = "moka:observability:Grafana";

/** Grafana with the AMP data source and the platform dashboards. */
export class Grafana extends pulumi.ComponentResource {
    /** The Secret holding the admin user and the generated password (keys admin-user, admin-password). */
    public readonly adminSecretName: string;
    /** The query-only role Grafana's pod assumes through Pod Identity. */
    public readonly roleArn: pulumi.Output<string>;
    /** How to open Grafana: the port-forward command and the local URL. */
    public readonly portForward: string;
    public readonly url: string;
    /** The uids of the provisioned dashboards. */
    public readonly dashboardUids: string[];

    constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);

        const problems: string[] = [];
        if (!args.k8sProvider) {
            problems.push("args.k8sProvider is required");
        }
        if (!args.baseName) {
            problems.push("args.baseName is required");
        }
        if (!args.region) {
            problems.push("args.region is required");
        }
        if (args.pluginUrl !== undefined && !/^https:\/\/[^\s@]+$/.test(args.pluginUrl)) {
            problems.push(`args.pluginUrl must be an https:// URL without '@' or spaces, got "${args.pluginUrl}"`);
        }
        if (!args.dashboards || args.dashboards.teams.length === 0) {
            problems.push("args.dashboards.teams must name at least one team");
        }
        if (args.dashboards && args.dashboards.pools.length === 0) {
            problems.push("args.dashboards.pools must name at least one NodePool");
        }
        throwArgProblems(TYPE, name, problems);

        const namespace = args.namespace ?? NAMESPACES.observability;
        const dependsOn = args.dependsOn ?? [];
        const d = GRAFANA_DEFAULTS;
        const k8sOpts = { parent: this, provider: args.k8sProvider };

        // --- admin credential: generated, kept in state as a secret, handed to the chart by name -----------
        const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
        const adminSecretName = `${d.releaseName}-admin`;
        const adminSecret = new k8s.core.v1.Secret(`${name}-admin`, {
            metadata: { name: adminSecretName, namespace },
            type: "Opaque",
            stringData: { [ADMIN_SECRET_KEYS.user]: d.adminUser, [ADMIN_SECRET_KEYS.password]: password.result },
        }, { ...k8sOpts, dependsOn });

        // --- identity: query the one workspace, nothing else ------------------------------------------------
        const role = new aws.iam.Role(`${name}-role`, {
            name: `${args.baseName}-grafana`,
            description: "Grafana: query the platform AMP workspace (read-only)",
            assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
            tags: args.tags,
        }, { parent: this });
        const policy = new aws.iam.RolePolicy(`${name}-policy`, {
            role: role.name,
            name: "amp-query",
            policy: pulumi.output(args.workspaceArn).apply((arn) => JSON.stringify(ampQueryPolicy(arn))),
        }, { parent: this });
        const podIdentity = new aws.eks.PodIdentityAssociation(`${name}-pod-identity`, {
            clusterName: args.clusterName,
            namespace,
            serviceAccount: d.serviceAccountName,
            roleArn: role.arn,
            tags: args.tags,
        }, { parent: this });

        // --- the sidecar may read ConfigMaps in this namespace only ---------------------------------------
        const readerRoleName = `${d.releaseName}-dashboard-reader`;
        const reader = new k8s.rbac.v1.Role(`${name}-dashboard-reader`, dashboardReaderRole(readerRoleName, namespace), { ...k8sOpts, dependsOn });

        // --- dashboards as code ----------------------------------------------------------------------------
        const dashboards = platformDashboards(args.dashboards);
        for (const { slug, dashboard } of dashboards) {
            new k8s.core.v1.ConfigMap(`${name}-dashboard-${slug}`, dashboardConfigMap(`${d.releaseName}-dashboard-${slug}`, namespace, slug, dashboard), { ...k8sOpts, dependsOn });
        }

        platformRelease(`${name}-release`, d, namespace, pulumi.output(args.prometheusEndpoint).apply((endpoint) => grafanaValues({
            fullname: d.releaseName,
            serviceAccountName: d.serviceAccountName,
            image: d.image,
            sidecarImage: d.sidecarImage,
            adminSecretName,
            readerRoleName,
            prometheusEndpoint: endpoint,
            region: args.region,
            pluginUrl: args.pluginUrl,
            nodeSelector: { ...SYSTEM_NODE_LABEL },
            tolerations: SYSTEM_TOLERATIONS.map((t) => ({ ...t })),
        })), { ...k8sOpts, dependsOn: [...dependsOn, adminSecret, reader, podIdentity, policy] });

        this.adminSecretName = adminSecretName;
        this.roleArn = role.arn;
        this.portForward = `kubectl -n ${namespace} port-forward svc/${d.releaseName} ${GRAFANA_PORTS.container}:${GRAFANA_PORTS.service}`;
        this.url = `http://localhost:${GRAFANA_PORTS.container}/`;
        this.dashboardUids = dashboards.map((x) => x.dashboard.uid!);

        this.registerOutputs({
            adminSecretName: this.adminSecretName,
            roleArn: this.roleArn,
            portForward: this.portForward,
            url: this.url,
            dashboardUids: this.dashboardUids,
        });
    }
}
