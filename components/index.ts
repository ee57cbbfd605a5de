/** Barrel: the public component classes and their Args. Pure helpers are imported from their own files. */
export { Network, NetworkArgs } from "./network";
export { Cluster, ClusterArgs } from "./cluster";
export { Karpenter, KarpenterArgs } from "./karpenter";
export { SparkStorage, SparkStorageArgs } from "./storage";
export { ImageRegistry, ImageRegistryArgs } from "./images";
export { Team, TeamArgs } from "./team";
export { YuniKorn, YuniKornArgs } from "./yunikorn";
export { SparkOperator, SparkOperatorArgs } from "./spark-operator";
export { HistoryServer, HistoryServerArgs } from "./history-server";
export { ObservabilityNamespace, ObservabilityNamespaceArgs, Metrics, MetricsArgs } from "./metrics";
export { FluentBit, FluentBitArgs } from "./fluent-bit";
export { Engines, EnginesArgs } from "./engines";
