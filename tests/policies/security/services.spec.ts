/** service-no-public-exposure (issue 12): LoadBalancer scheme semantics of the in-tree provider and the AWS Load Balancer Controller, NodePort, externalIPs. */
import { strict as assert } from "assert";
import { TestResource, UNKNOWN } from "../../helpers/policy";
import { serviceNoPublicExposure } from "../../../policies/security/rules/services";
import { UNKNOWN_SENTINELS } from "../../../policies/lib/known";
import { check, expectClean, expectUnknownAdvisory, expectViolation, mutate } from "./support";

const A = "service.beta.kubernetes.io/";

/** `ns: null` leaves metadata.namespace out. */
function service(spec: Record<string, unknown> = {}, annotations?: Record<string, unknown>, ns: string | null = "team-a"): TestResource {
    return {
        type: "kubernetes:core/v1:Service",
        name: "svc",
        props: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "api", ...(ns === null ? {} : { namespace: ns }), ...(annotations ? { annotations } : {}) },
            spec: { selector: { app: "api" }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
        },
    };
}

describe("security: service-no-public-exposure", () => {
    it("passes ClusterIP (explicit or default) and headless services", async () => {
        await expectClean(serviceNoPublicExposure, service({ type: "ClusterIP" }));
        await expectClean(serviceNoPublicExposure, service());
        await expectClean(serviceNoPublicExposure, service({ clusterIP: "None" }));
        await expectClean(serviceNoPublicExposure, service({ type: "ExternalName", externalName: "db.example.com" }));
    });

    describe("LoadBalancer", () => {
        it("flags a LoadBalancer without annotations: the in-tree provider creates an internet-facing one", async () => {
            await expectViolation(serviceNoPublicExposure, service({ type: "LoadBalancer" }), /^[^]*Service "team-a\/api" is type LoadBalancer with an internet-facing AWS load balancer \(no scheme annotation: the in-tree AWS cloud provider creates internet-facing load balancers by default\), reachable by anyone on the internet\./);
        });

        it("flags scheme internet-facing (even with the legacy internal annotation: the scheme wins) and internal: false", async () => {
            await expectViolation(serviceNoPublicExposure, service({ type: "LoadBalancer" }, { [`${A}aws-load-balancer-scheme`]: "internet-facing", [`${A}aws-load-balancer-internal`]: "true" }), /aws-load-balancer-scheme is "internet-facing"/);
            await expectViolation(serviceNoPublicExposure, service({ type: "LoadBalancer" }, { [`${A}aws-load-balancer-internal`]: "false" }), /aws-load-balancer-internal is "false"\)/);
            await expectViolation(serviceNoPublicExposure, service({ type: "LoadBalancer" }, { [`${A}aws-load-balancer-internal`]: "0.0.0.0/0" }), /not a boolean the AWS Load Balancer Controller accepts/);
            await expectViolation(serviceNoPublicExposure, service({ type: "LoadBalancer" }, { [`${A}aws-load-balancer-scheme`]: "Internal" }), /scheme is "Internal"/);
        });

        it("passes scheme internal, a true legacy internal annotation, and Load Balancer Controller services without a scheme (its default is internal)", async () => {
            await expectClean(serviceNoPublicExposure, service({ type: "LoadBalancer" }, { [`${A}aws-load-balancer-scheme`]: "internal", [`${A}aws-load-balancer-type`]: "external" }));
            for (const v of ["true", "True", "1", "t"]) {
                await expectClean(serviceNoPublicExposure, service({ type: "LoadBalancer" }, { [`${A}aws-load-balancer-internal`]: v }));
            }
            await expectClean(serviceNoPublicExposure, service({ type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" }));
            await expectClean(serviceNoPublicExposure, service({ type: "LoadBalancer" }, { [`${A}aws-load-balancer-type`]: "nlb-ip" }));
            await expectViolation(serviceNoPublicExposure, service({ type: "LoadBalancer" }, { [`${A}aws-load-balancer-type`]: "nlb" }), /no scheme annotation/);
            await expectViolation(serviceNoPublicExposure, service({ type: "LoadBalancer", loadBalancerClass: "example.com/other" }), /no scheme annotation/);
        });

        it("allows a listed namespace (an ingress controller's public entry point)", async () => {
            const pub = service({ type: "LoadBalancer" }, undefined, "ingress-nginx");
            await expectClean(serviceNoPublicExposure, pub, { allowedLoadBalancerNamespaces: ["ingress-nginx"] });
            await expectViolation(serviceNoPublicExposure, service({ type: "LoadBalancer" }), /team-a\/api/, { config: { allowedLoadBalancerNamespaces: ["ingress-nginx"] } });
            await expectClean(serviceNoPublicExposure, service({ type: "LoadBalancer" }, undefined, null), { allowedLoadBalancerNamespaces: ["default"] });
        });
    });

    it("flags NodePort (with an explicit nodePort or not), unless its namespace is allowed", async () => {
        await expectViolation(serviceNoPublicExposure, service({ type: "NodePort", ports: [{ port: 80, targetPort: 80, nodePort: 30007 }] }), /is type NodePort, which opens its port on every node/);
        await expectClean(serviceNoPublicExposure, service({ type: "NodePort" }), { allowedNodePortNamespaces: ["team-a"] });
    });

    it("flags externalIPs (CVE-2020-8554) on any type, except allowed addresses", async () => {
        await expectViolation(serviceNoPublicExposure, service({ externalIPs: ["1.2.3.4"] }), /sets spec\.externalIPs 1\.2\.3\.4, which lets it capture cluster traffic to those addresses \(CVE-2020-8554\)\./);
        await expectClean(serviceNoPublicExposure, service({ externalIPs: ["1.2.3.4", " "] }), { allowedExternalIps: ["1.2.3.4"] });
        await expectViolation(serviceNoPublicExposure, service({ type: "NodePort", externalIPs: ["1.2.3.4", "5.6.7.8"] }), /is type NodePort[^]*; and sets spec\.externalIPs 5\.6\.7\.8,/, { config: { allowedExternalIps: ["1.2.3.4"] } });
    });

    it("labels auto-named and provider-namespaced services readably, never with the unknown sentinel", async () => {
        const [d] = await expectViolation(serviceNoPublicExposure, mutate(service({ type: "NodePort" }), (x) => { x.props.metadata.name = UNKNOWN; x.props.metadata.namespace = UNKNOWN; }), /Service "\(namespace computed at deploy\)\/\(auto-named\)"/);
        assert.ok(![...UNKNOWN_SENTINELS].some((s) => d.message.includes(s)), d.message);
        await expectViolation(serviceNoPublicExposure, { ...service({ type: "NodePort" }, undefined, null), provider: { type: "pulumi:providers:kubernetes", props: { namespace: "team-b" } } }, /Service "team-b\/api"/);
        await expectViolation(serviceNoPublicExposure, mutate(service({ type: "NodePort" }, undefined, null), (x) => delete x.props.metadata.name), /Service "default\/\(auto-named\)"/);
    });

    it("turns unknown decision inputs into an advisory: type, annotations, externalIPs, and the namespace when an allowance applies", async () => {
        await expectUnknownAdvisory(serviceNoPublicExposure, service({ type: UNKNOWN }));
        await expectUnknownAdvisory(serviceNoPublicExposure, service({ type: "LoadBalancer" }, { [`${A}aws-load-balancer-scheme`]: UNKNOWN }));
        await expectUnknownAdvisory(serviceNoPublicExposure, service({ externalIPs: UNKNOWN }));
        await expectUnknownAdvisory(serviceNoPublicExposure, service({ type: "LoadBalancer" }, undefined, UNKNOWN), { allowedLoadBalancerNamespaces: ["ingress-nginx"] });
        const ds = await check(serviceNoPublicExposure, service({ type: "ClusterIP" }, { [`${A}aws-load-balancer-scheme`]: UNKNOWN }));
        assert.deepEqual(ds, []);
    });

    it("survives odd shapes and ignores other kinds", async () => {
        for (const spec of [{ type: 5 }, { type: null }, { externalIPs: "1.2.3.4" }, { externalIPs: [null, 7] }]) {
            await check(serviceNoPublicExposure, service(spec));
        }
        await expectViolation(serviceNoPublicExposure, service({ externalIPs: "1.2.3.4" }), /1\.2\.3\.4/);
        await expectClean(serviceNoPublicExposure, mutate(service({ type: "LoadBalancer" }), (x) => { x.props.metadata.annotations = "internal"; x.props.spec.type = "ClusterIP"; }));
        await expectClean(serviceNoPublicExposure, { type: "kubernetes:core/v1:ConfigMap", props: { spec: { type: "NodePort" } } });
        await expectClean(serviceNoPublicExposure, { type: "kubernetes:serving.knative.dev/v1:Service", props: { spec: { type: "NodePort" } } });
    });
});
