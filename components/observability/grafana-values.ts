/**
 * Pure builders for the Grafana component: the chart values, the AMP data source, the query-only IAM
 * policy, the sidecar's Role and the dashboard ConfigMaps.
 *
 * Every values key was checked against grafana-community/helm-charts charts/grafana/values.yaml and
 * templates/_pod.tpl, role.yaml, rolebinding.yaml, clusterrole.yaml at tag grafana-12.11.1 (appVersion 13.2.0):
 *  - `admin.existingSecret/userKey/passwordKey`: the Grafana container's GF_SECURITY_ADMIN_USER/PASSWORD and
 *    the sidecar's REQ_USERNAME/REQ_PASSWORD come from that Secret; nothing secret is in the values
 *    (`assertNoLeakedSecrets` stays on).
 *  - `plugins` → the chart ConfigMap key `plugins` → env GF_PLUGINS_PREINSTALL_SYNC, `id@version[@url]`
 *    (grafana pkg/setting processPreinstallPlugins splits on "@"); installed before Grafana serves.
 *  - `rbac.namespaced` + `rbac.useExistingRole`: the chart renders only a RoleBinding to our Role (no
 *    ClusterRole, and not its own Role, which grants Secrets too); `sidecar.dashboards.resource: configmap`.
 *  - `persistence.enabled: false` keeps `initChownData` (root, CHOWN/DAC_OVERRIDE) out of the pod, so every
 *    container meets the restricted Pod Security Standard: non-root 472, no privilege escalation, drop ALL,
 *    RuntimeDefault seccomp (the sidecar inherits the pod's non-root user; its image runs as 65534).
 *  - `testFramework.enabled: false`: no Helm test pod (unpinned bats image).
 *  - requests and replicas: lib/capacity/platform.ts (SYSTEM_RESOURCES.grafana / .grafanaSidecar), the
 *    capacity model config and the deployability pack check against the system nodes.
 * Grafana 13 (grafana pkg/setting): `[plugins] forward_host_env_vars` — since 12.4 plugin processes get no
 * host environment, and the AMP plugin's SigV4 signer (grafana-aws-sdk, aws-sdk-go-v2 default chain) needs
 * the Pod Identity variables AWS_CONTAINER_CREDENTIALS_FULL_URI / AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE.
 * `[aws] forward_settings_to_plugins` hands the plugin `allowed_auth_providers = default` (no keys) and
 * `assume_role_enabled = false`. `[plugins] disable_plugins` drops the four apps Grafana would otherwise preinstall unpinned from grafana.com
 * (lokiexplore, pyroscope, exploretraces, metricsdrilldown: defaultPreinstallPlugins).
 */
import type * as k8s from "@pulumi/kubernetes";
import { resourcesValue, SYSTEM_REPLICAS, SYSTEM_RESOURCES } from "../../lib/capacity/platform";
import type { PolicyDocument } from "../shared/iam";
import { AMP_DATASOURCE } from "./dashboards/panels";
import type { PodPlacement } from "./collector";

/** The AMP data source plugin (grafana/grafana-amazonprometheus-datasource), pinned; needs Grafana >= 12.2.5. */
export const AMP_PLUGIN = { id: AMP_DATASOURCE.type, version: "3.2.0" } as const;

/** Plugins Grafana 13 preinstalls by default (unpinned, from grafana.com) that need Loki, Tempo or Pyroscope, or duplicate Explore. */
export const DEFAULT_PREINSTALLED_PLUGINS = ["grafana-lokiexplore-app", "grafana-pyroscope-app", "grafana-exploretraces-app", "grafana-metricsdrilldown-app"] as const;

/** The sidecar loads ConfigMaps with this label (any value would do; the platform writes "1"). */
export const DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;

/** Keys of the admin Secret (the chart's defaults, set explicitly). */
export const ADMIN_SECRET_KEYS = { user: "admin-user", password: "admin-password" } as const;

/** The Service's port and Grafana's container port: `kubectl port-forward svc/<fullname> 3000:80`. */
export const GRAFANA_PORTS = { service: 80, container: 3000 } as const;

/** The `url` of the AMP data source: the workspace's Prometheus endpoint without the trailing "/" (the plugin's own example). */
export function ampDatasourceUrl(prometheusEndpoint: string): string {
    return prometheusEndpoint.replace(/\/+$/, "");
}

/** Grafana's data-source provisioning file: the stack's AMP workspace, SigV4 with the default AWS chain (Pod Identity). */
export function ampDatasource(prometheusEndpoint: string, region: string): Record<string, unknown> {
    return {
        apiVersion: 1,
        datasources: [{
            name: "Amazon Managed Prometheus",
            uid: AMP_DATASOURCE.uid,
            type: AMP_DATASOURCE.type,
            access: "proxy",
            url: ampDatasourceUrl(prometheusEndpoint),
            isDefault: true,
            editable: false,
            // Keys of grafana/grafana-amazonprometheus-datasource v3.2.0 docs/sources/configure.md; the SDK reads
            // sigV4Auth / sigV4AuthType / sigV4Region (grafana-plugin-sdk-go backend/http_settings.go).
            jsonData: {
                httpMethod: "POST",
                sigV4Auth: true,
                sigV4AuthType: "default",
                sigV4Region: region,
                sigv4Service: "aps",
                // Ruler and Alertmanager routes need aps:ListRules etc.; the role may only query.
                manageAlerts: false,
            },
        }],
    };
}

/** Grafana may only query the one workspace: the four read actions Grafana's AMP data source needs, nothing else. */
export function ampQueryPolicy(workspaceArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "QueryWorkspace",
            Effect: "Allow",
            Action: ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"],
            Resource: workspaceArn,
        }],
    };
}

/** The Role the sidecar runs under: read ConfigMaps in Grafana's namespace (the chart's own Role would add Secrets). */
export function dashboardReaderRole(name: string, namespace: string): k8s.types.input.rbac.v1.Role {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name, namespace },
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    };
}

/** One dashboard as the sidecar loads it: a labelled ConfigMap holding `<slug>.json`. */
export function dashboardConfigMap(name: string, namespace: string, slug: string, dashboard: unknown): k8s.types.input.core.v1.ConfigMap {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace, labels: { [DASHBOARD_LABEL.key]: DASHBOARD_LABEL.value, "app.kubernetes.io/part-of": "moka" } },
        data: { [`${slug}.json`]: JSON.stringify(dashboard) },
    };
}

export interface GrafanaValuesInput extends PodPlacement {
    readonly fullname: string;
    readonly serviceAccountName: string;
    readonly image: { readonly registry: string; readonly repository: string; readonly tag: string };
    readonly sidecarImage: { readonly registry: string; readonly repository: string; readonly tag: string };
    readonly adminSecretName: string;
    readonly readerRoleName: string;
    readonly prometheusEndpoint: string;
    readonly region: string;
    /** An HTTPS mirror of the plugin's zip; undefined: grafana.com. */
    readonly pluginUrl?: string;
}

/** Values for the grafana chart 12.11.1. */
export function grafanaValues(v: GrafanaValuesInput): Record<string, unknown> {
    const plugin = `${AMP_PLUGIN.id}@${AMP_PLUGIN.version}${v.pluginUrl !== undefined ? `@${v.pluginUrl}` : ""}`;
    return {
        fullnameOverride: v.fullname,
        replicas: SYSTEM_REPLICAS.grafana,
        image: { ...v.image },
        testFramework: { enabled: false },
        serviceAccount: { create: true, name: v.serviceAccountName, automountServiceAccountToken: false },
        // The sidecar talks to the Kubernetes API with the pod's token.
        automountServiceAccountToken: true,
        rbac: { create: true, namespaced: true, useExistingRole: v.readerRoleName },
        service: { enabled: true, type: "ClusterIP", port: GRAFANA_PORTS.service, targetPort: GRAFANA_PORTS.container },
        ingress: { enabled: false },
        persistence: { enabled: false },
        admin: { existingSecret: v.adminSecretName, userKey: ADMIN_SECRET_KEYS.user, passwordKey: ADMIN_SECRET_KEYS.password },
        plugins: [plugin],
        "grafana.ini": {
            analytics: { check_for_updates: false, check_for_plugin_updates: false, reporting_enabled: false },
            server: { root_url: `http://localhost:${GRAFANA_PORTS.container}/` },
            users: { allow_sign_up: false },
            "auth.anonymous": { enabled: false },
            auth: { sigv4_auth_enabled: true },
            // The AWS SDK default chain only (Pod Identity): no access keys, no assume-role from the UI. Grafana
            // hands its [aws] settings only to the plugins in forward_settings_to_plugins (pkg/setting).
            aws: { allowed_auth_providers: "default", assume_role_enabled: false, forward_settings_to_plugins: AMP_PLUGIN.id },
            plugins: { forward_host_env_vars: AMP_PLUGIN.id, disable_plugins: DEFAULT_PREINSTALLED_PLUGINS.join(",") },
        },
        datasources: { "datasources.yaml": ampDatasource(v.prometheusEndpoint, v.region) },
        sidecar: {
            image: { ...v.sidecarImage },
            resources: resourcesValue(SYSTEM_RESOURCES.grafanaSidecar),
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
            dashboards: {
                enabled: true,
                label: DASHBOARD_LABEL.key,
                labelValue: DASHBOARD_LABEL.value,
                resource: "configmap",
                provider: { name: "moka", folder: "Moka", disableDelete: true, allowUiUpdates: false },
            },
            datasources: { enabled: false },
        },
        nodeSelector: v.nodeSelector,
        tolerations: v.tolerations,
        resources: resourcesValue(SYSTEM_RESOURCES.grafana),
        securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
    };
}
