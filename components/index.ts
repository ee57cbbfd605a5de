/** Barrel: the public component classes and their Args. Pure helpers are imported from their own files. */
export { Network, NetworkArgs } from "./network";
export { Cluster, ClusterArgs } from "./eks";
export { Karpenter, KarpenterArgs } from "./karpenter";
export { SparkStorage, SparkStorageArgs } from "./storage";
export { ImageRegistry, ImageRegistryArgs } from "./images";
export { Team, TeamArgs } from "./tenancy";
export { YuniKorn, YuniKornArgs } from "./scheduling";
export { SparkOperator, SparkOperatorArgs } from "./spark/operator";
export { HistoryServer, HistoryServerArgs } from "./spark/history-server";
export { ObservabilityNamespace, ObservabilityNamespaceArgs } from "./observability/namespace";
export { Metrics, MetricsArgs } from "./observability/metrics";
export { FluentBit, FluentBitArgs } from "./observability/fluent-bit";
export { Grafana, GrafanaArgs } from "./observability/grafana";
export { Engines, EnginesArgs } from "./engines";
