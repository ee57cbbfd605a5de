/**
 * Moka on Pulumi — wiring only. Config is loaded and validated first (nothing is registered if it is
 * wrong); then the components are built in dependency order and the app-team contract is exported.
 * Pulumi calls the exported function and uses its result as the stack outputs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config";
import { buildContractOutputs } from "./contract";
import {
    Cluster, Engines, FluentBit, HistoryServer, ImageRegistry, Karpenter, Metrics, Network,
    ObservabilityNamespace, SparkOperator, SparkStorage, Team, YuniKorn,
} from "./components";
import { NAMESPACES } from "./lib/platform";

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
        availabilityZones: cfg.network.availabilityZones, privateAccess: cfg.cluster.privateAccess,
    }, opts);

    // Cluster: EKS (API auth, private endpoint + declared networks, KMS secrets, all logs), add-ons, system nodes, k8s provider.
    const cluster = new Cluster("cluster", {
        clusterName: cfg.baseName, cluster: cfg.cluster, vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds,
        podSubnets: network.podSubnets, azCount: network.azCount, nodeSecurityGroupId: network.nodeSecurityGroupId,
        tags, protect: cfg.protectData, region: cfg.region, accountId: cfg.accountId, apiAccess: network.apiAccess,
    }, opts);
    const k8sProvider = cluster.provider;
    const afterCluster = { ...opts, dependsOn: [cluster] };

    // Karpenter: controller, interruption queue, and an EC2NodeClass + NodePool per moka:nodePools entry.
    const karpenter = new Karpenter("karpenter", {
        clusterName: cfg.baseName, clusterEndpoint: cluster.endpoint, k8sProvider, nodePools: cfg.nodePools,
        baseName: cfg.baseName, region: cfg.region, accountId: cfg.accountId, tags,
    }, afterCluster);

    // Data: event-log and data buckets with their KMS key; ECR repositories and the Spark image build.
    const storage = new SparkStorage("storage", { baseName: cfg.baseName, accountId: cfg.accountId, tags, protect: cfg.protectData, storage: cfg.storage }, opts);
    const images = new ImageRegistry("images", {
        baseName: cfg.baseName, tags, protect: cfg.protectData, engines: cfg.engines, untaggedExpireDays: cfg.images.untaggedExpireDays,
        keepTaggedImages: cfg.images.keepTaggedImages, sparkImage: cfg.images.sparkImage, sparkVersion: cfg.images.sparkVersion,
    }, opts);

    // Tenants: one isolated unit per team (namespace, quota, network policy, RBAC, IAM role, Spark defaults).
    const operatorNamespaces = [NAMESPACES.sparkOperator, NAMESPACES.yunikorn, ...(cfg.engines.flink ? [NAMESPACES.flinkOperator] : []), ...(cfg.engines.ray ? [NAMESPACES.kuberay] : [])];
    const teams = cfg.teams.map((team) => new Team(`team-${team.name}`, {
        team, environment: cfg.environment, baseName: cfg.baseName, clusterName: cluster.eksClusterName, k8sProvider,
        dataBucket: storage.dataBucket, dataBucketArn: storage.dataBucketArn, eventLogBucket: storage.eventLogBucket,
        eventLogBucketArn: storage.eventLogBucketArn, kmsKeyArn: storage.kmsKeyArn, eventLogPrefix: storage.eventLogPrefix,
        region: cfg.region, tags, webhookNamespaces: operatorNamespaces, executorArchitectures: karpenter.executorArchitectures,
    }, afterCluster));
    const teamNames = cfg.teams.map((t) => t.name);

    // Scheduling and Spark: YuniKorn queues per team, the Spark Operator, one History Server per team.
    const yunikorn = new YuniKorn("yunikorn", { k8sProvider, teams: cfg.teams }, afterCluster);
    new SparkOperator("spark-operator", { k8sProvider, jobNamespaces: teamNames, dependsOn: [...teams, yunikorn] }, afterCluster);
    const history = new HistoryServer("history", {
        k8sProvider, clusterName: cluster.eksClusterName, baseName: cfg.baseName, tags, teams: teamNames,
        eventLogBucket: storage.eventLogBucket, eventLogBucketArn: storage.eventLogBucketArn, eventLogPrefix: storage.eventLogPrefix,
        kmsKeyArn: storage.kmsKeyArn, image: images.sparkImage, region: cfg.region,
    }, { ...afterCluster, dependsOn: [cluster, ...teams] });

    // Observability: Fluent Bit to S3 + CloudWatch, OpenTelemetry Collector to Amazon Managed Prometheus.
    const observability = new ObservabilityNamespace("observability", { k8sProvider }, afterCluster);
    new FluentBit("fluent-bit", {
        k8sProvider, clusterName: cluster.eksClusterName, baseName: cfg.baseName, region: cfg.region, tags,
        logBucket: storage.eventLogBucket, logBucketArn: storage.eventLogBucketArn, containerLogPrefix: storage.containerLogPrefix,
        kmsKeyArn: storage.kmsKeyArn, logRetentionDays: cfg.observability.logRetentionDays, dependsOn: [observability],
    }, afterCluster);
    new Metrics("metrics", {
        k8sProvider, clusterName: cluster.eksClusterName, baseName: cfg.baseName, region: cfg.region, tags,
        metricsRetentionDays: cfg.observability.metricsRetentionDays, protect: cfg.protectData, dependsOn: [observability],
    }, afterCluster);

    // Further engines behind moka:engines: the Flink operator and KubeRay, watching the team namespaces.
    new Engines("engines", { k8sProvider, flink: cfg.engines.flink, ray: cfg.engines.ray, teamNamespaces: teamNames, dependsOn: teams }, afterCluster);

    // Outputs: the versioned app-team contract (contract/index.ts), plus platform details for operators.
    const contract = buildContractOutputs({
        region: cfg.region,
        cluster: { name: cluster.eksClusterName, endpoint: cluster.endpoint, kubeconfig: cluster.kubeconfig, oidcProviderArn: cluster.oidcProviderArn, oidcProviderUrl: cluster.oidcProviderUrl },
        storage: { eventLogBucket: storage.eventLogBucket, dataBucket: storage.dataBucket },
        historyServerUrls: Object.fromEntries(teamNames.map((t) => [t, history.urls.apply((u) => u[t])])),
        imageRepositories: images.repositoryUrls,
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
