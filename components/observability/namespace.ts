/**
 * The observability namespace every observability component (Fluent Bit, the metrics pipeline) installs
 * into.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACES } from "../../lib/platform";
import { throwArgProblems } from "../shared/arg-errors";
import { platformNamespaceLabels } from "../shared/namespaces";

/** Arguments for {@link ObservabilityNamespace}. */
export interface ObservabilityNamespaceArgs {
    /** Provider of the target cluster. Required. */
    readonly k8sProvider: k8s.Provider;
    /** Namespace name. Defaults to "observability". */
    readonly namespace?: string;
}

const TYPE = "moka:observability:ObservabilityNamespace";

/**
 * The observability namespace. PSA level `privileged`: Fluent Bit mounts /var/log (and the tail
 * database) from the host through hostPath volumes, which `baseline` forbids. That makes this a system
 * namespace: only platform charts install here, teams have no access.
 */
export class ObservabilityNamespace extends pulumi.ComponentResource {
    /** The namespace name; depending on it orders installs after the namespace exists. */
    public readonly namespaceName: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        throwArgProblems(TYPE, name, args.k8sProvider ? [] : ["args.k8sProvider is required"]);
        const namespace = args.namespace ?? NAMESPACES.observability;
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: {
                name: namespace,
                labels: platformNamespaceLabels("privileged"),
            },
        }, { parent: this, provider: args.k8sProvider });
        this.namespaceName = ns.metadata.name;
        this.registerOutputs({ namespaceName: this.namespaceName });
    }
}
