/**
 * Moka on Pulumi — wiring only. Config is loaded and validated first (nothing is registered if it is
 * wrong); then the components are built in dependency order and the app-team contract is exported.
 * Pulumi calls the exported function and uses its result as the stack outputs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, teamPrincipals, vpcBlocks } from "./config";
import { buildContractOutputs } from "./contract";
import {
    Cluster, Engines, FluentBit, Grafana, HistoryServer, ImageRegistry, Karpenter, Metrics, Network,
    ObservabilityNamespace, SparkOperator, SparkStorage, Team, YuniKorn,
} from "./components";
import { NAMESPACES } from "./lib/platform";
import { eksDefaultServiceCidr, kubeDnsClusterIp } from "./lib/cidr";
import { prefixOwner } from "./components/tenancy/iam";
import { historyServerSelector, HISTORY_SERVER_PORT } from "./components/spark/history-server-objects";
import { collectorServiceSelector, OTLP_PORTS } from "./components/observability/collector";
import { METRICS_DEFAULTS } from "./components/observability/metrics";
import { dashboardContext } from "./components/observability/dashboards";

export = async () => {
    // Validate every moka:* key before any resource exists.
    const cfg = loadConfig();
    const tags = { ...cfg.tags };

    // One AWS provider: pinned account and region, cost-allocation tags on everything taggable.
    const awsProvider = new aws.Provider("aws", {
        region: cfg.region as aws.Region,
        allowedAccountIds: [cfg.accountId],
        defaultTags: { tags },
    });
    const opts: pulumi.ComponentResourceOptions = { providers: { aws: awsProvider } };

    // Network: VPC (or an existing one, tagged), node/pod/public subnets, NAT, endpoints, node security group, routes to the API's networks.
    const network = new Network("network", {
        baseName: cfg.baseName, clusterName: cfg.baseName, network: cfg.network, tags,
        flowLogRetentionDays: cfg.observability.logRetentionDays, region: cfg.region, accountId: cfg.accountId,
        availabilityZones: cfg.network.availabilityZones, privateAccess: cfg.cluster.privateAccess, protect: cfg.protectData,
    }, opts);

    // The Service CIDR EKS would pick for this VPC, stated on the cluster: team NetworkPolicies allow kube-dns at its .10.
    const serviceCidr = eksDefaultServiceCidr([vpcBlocks(cfg.network)[0]]);
    // Cluster: EKS (API auth, private endpoint + declared networks, KMS secrets, all logs), add-ons, system nodes, k8s provider.
    const cluster = new Cluster("cluster", {
        clusterName: cfg.baseName, cluster: cfg.cluster, vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds,
        podSubnets: network.podSubnets, azCount: network.azCount, nodeSecurityGroupId: network.nodeSecurityGroupId,
        tags, protect: cfg.protectData, region: cfg.region, accountId: cfg.accountId, apiAccess: network.apiAccess, serviceCidr,
        teamPrincipals: teamPrincipals(cfg.teams),
    }, opts);
    const k8sProvider = cluster.provider;
    const afterCluster = { ...opts, dependsOn: [cluster] };

    // Karpenter: controller, interruption queue, and an EC2NodeClass + NodePool per moka:nodePools entry.
    const karpenter = new Karpenter("karpenter", {
        clusterName: cfg.baseName, clusterEndpoint: cluster.endpoint, k8sProvider, nodePools: cfg.nodePools,
        baseName: cfg.baseName, region: cfg.region, accountId: cfg.accountId, tags,
    }, afterCluster);

    // Data: one bucket per team (+ the access-log bucket, + retained pre-2.0 buckets); ECR repositories and the Spark image build.
    const teamNames = cfg.teams.map((t) => t.name);
    const storage = new SparkStorage("storage", { baseName: cfg.baseName, accountId: cfg.accountId, tags, protect: cfg.protectData, storage: cfg.storage, teams: teamNames }, opts);
    const images = new ImageRegistry("images", {
        baseName: cfg.baseName, tags, protect: cfg.protectData, engines: cfg.engines, untaggedExpireDays: cfg.images.untaggedExpireDays,
        keepTaggedImages: cfg.images.keepTaggedImages, sparkImage: cfg.images.sparkImage, sparkVersion: cfg.images.sparkVersion,
    }, opts);

    // Tenants: one isolated unit per team (namespace, quota, network policy, access, RBAC, IAM role, Spark defaults).
    const operatorNamespaces = [NAMESPACES.sparkOperator, NAMESPACES.yunikorn, ...(cfg.engines.flink ? [NAMESPACES.flinkOperator] : []), ...(cfg.engines.ray ? [NAMESPACES.kuberay] : [])];
    const kubeDnsIp = kubeDnsClusterIp(serviceCidr);
    const otlp = { namespace: NAMESPACES.observability, selector: collectorServiceSelector(METRICS_DEFAULTS.collector.releaseName), ports: [OTLP_PORTS.grpc, OTLP_PORTS.http] };
    const teams = cfg.teams.map((team) => new Team(`team-${team.name}`, {
        team, environment: cfg.environment, baseName: cfg.baseName, clusterName: cluster.eksClusterName, k8sProvider,
        bucket: storage.teamBuckets[team.name].bucket, bucketArn: storage.teamBuckets[team.name].arn, kmsKeyArn: storage.kmsKeyArn,
        sharedReads: team.sharedPrefixes.map((prefix) => {
            const owner = prefixOwner(prefix, cfg.teams)!;
            return { team: owner, bucketArn: storage.teamBuckets[owner].arn, prefix };
        }),
        eventLogPrefix: storage.eventLogPrefix, containerLogPrefix: storage.containerLogPrefix, region: cfg.region, tags,
        adminRoleArns: cfg.cluster.adminRoleArns, engines: cfg.engines, kubeDnsIp, otlp,
        historyServer: { namespace: NAMESPACES.historyServer, selector: historyServerSelector(team.name), ports: [HISTORY_SERVER_PORT] },
        webhookNamespaces: operatorNamespaces, executorArchitectures: karpenter.executorArchitectures,
    }, afterCluster));

    // Scheduling and Spark: YuniKorn queues per team, the Spark Operator, one History Server per team.
    const yunikorn = new YuniKorn("yunikorn", { k8sProvider, teams: cfg.teams }, afterCluster);
    new SparkOperator("spark-operator", { k8sProvider, jobNamespaces: teamNames, dependsOn: [...teams, yunikorn] }, afterCluster);
    const history = new HistoryServer("history", {
        k8sProvider, clusterName: cluster.eksClusterName, baseName: cfg.baseName, tags,
        teams: teamNames.map((t) => ({ name: t, bucket: storage.teamBuckets[t].bucket, bucketArn: storage.teamBuckets[t].arn })), eventLogPrefix: storage.eventLogPrefix,
        kmsKeyArn: storage.kmsKeyArn, image: images.sparkImage, region: cfg.region,
    }, { ...afterCluster, dependsOn: [cluster, ...teams] });

    // Observability: Fluent Bit to S3 + CloudWatch, OpenTelemetry Collector to Amazon Managed Prometheus, Grafana.
    const observability = new ObservabilityNamespace("observability", { k8sProvider }, afterCluster);
    new FluentBit("fluent-bit", {
        k8sProvider, clusterName: cluster.eksClusterName, baseName: cfg.baseName, region: cfg.region, tags,
        teamBuckets: Object.fromEntries(teamNames.map((t) => [t, storage.teamBuckets[t].bucket])), teamBucketArnPattern: storage.teamBucketArnPattern,
        accountId: cfg.accountId, containerLogPrefix: storage.containerLogPrefix,
        kmsKeyArn: storage.kmsKeyArn, logRetentionDays: cfg.observability.logRetentionDays, protect: cfg.protectData, dependsOn: [observability],
    }, afterCluster);
    const metrics = new Metrics("metrics", {
        k8sProvider, clusterName: cluster.eksClusterName, baseName: cfg.baseName, region: cfg.region, tags,
        metricsRetentionDays: cfg.observability.metricsRetentionDays, protect: cfg.protectData, dependsOn: [observability],
    }, afterCluster);

    // Grafana: AMP through a query-only role, and the platform dashboards as code (moka:observability.grafana).
    if (cfg.observability.grafana.enabled) {
        new Grafana("grafana", {
            k8sProvider, clusterName: cluster.eksClusterName, baseName: cfg.baseName, region: cfg.region, tags, pluginUrl: cfg.observability.grafana.pluginUrl,
            workspaceArn: metrics.workspaceArn, prometheusEndpoint: metrics.prometheusEndpoint, dependsOn: [observability],
            dashboards: dashboardContext({ ...cfg, teams: teamNames, containerLogPrefix: storage.containerLogPrefix }),
        }, afterCluster);
    }

    // Further engines behind moka:engines: the Flink operator and KubeRay, watching the team namespaces.
    new Engines("engines", { k8sProvider, flink: cfg.engines.flink, ray: cfg.engines.ray, teamNamespaces: teamNames, dependsOn: teams }, afterCluster);

    // Outputs: the versioned app-team contract (contract/index.ts), plus platform details for operators.
    const contract = buildContractOutputs({
        region: cfg.region,
        cluster: { name: cluster.eksClusterName, endpoint: cluster.endpoint, kubeconfig: cluster.kubeconfig, oidcProviderArn: cluster.oidcProviderArn, oidcProviderUrl: cluster.oidcProviderUrl },
        otlpEndpoints: { grpc: metrics.otlpGrpcEndpoint, http: metrics.otlpHttpEndpoint },
        historyServerUrls: Object.fromEntries(teamNames.map((t) => [t, history.urls.apply((u) => u[t])])),
        imageRepositories: images.repositoryUrls, sparkImage: images.sparkImage, sparkVersion: cfg.images.sparkVersion,
        teams,
    });
    return {
        ...contract,
        environment: cfg.environment,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        nodePools: karpenter.nodePools,
        interruptionQueueName: karpenter.interruptionQueueName,
    };
};
