import { TestResource, UNKNOWN } from "../../helpers/policy";
import { namespacePodSecurityEnforced } from "../../../policies/isolation/rules/pod-security";
import { expectClean, expectUnknownAdvisory, expectViolation, mutate } from "../security/support";

/** A team namespace as components/team-namespace.ts labels it. */
const teamNs = (): TestResource => ({
    type: "kubernetes:core/v1:Namespace",
    name: "team-ads-ranking-namespace",
    props: {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
            name: "ads-ranking",
            labels: {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/audit": "restricted",
                "pod-security.kubernetes.io/warn": "restricted",
                "moka.dev/team": "ads-ranking",
                "moka.dev/tenant": "true",
            },
        },
    },
});
const ENFORCE = "pod-security.kubernetes.io/enforce";

describe("isolation: namespace-pod-security-enforced", () => {
    it("passes a tenant namespace enforcing restricted or baseline", async () => {
        await expectClean(namespacePodSecurityEnforced, teamNs());
        await expectClean(namespacePodSecurityEnforced, mutate(teamNs(), (d) => (d.props.metadata.labels[ENFORCE] = "baseline")));
    });
    it("passes system namespaces without the label, and platform namespaces running privileged", async () => {
        await expectClean(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "kube-system" } } });
        await expectClean(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "observability", labels: { [ENFORCE]: "privileged" } } } });
    });
    it("flags a namespace without the enforce label", async () => {
        await expectViolation(namespacePodSecurityEnforced, mutate(teamNs(), (d) => delete d.props.metadata.labels[ENFORCE]), /Namespace "ads-ranking" has no pod-security\.kubernetes\.io\/enforce label/);
    });
    it("flags a namespace without any labels, and an auto-named one", async () => {
        await expectViolation(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "growth" } } }, /Namespace "growth" has no/);
        await expectViolation(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:Namespace", name: "team-ns", props: { metadata: {} } }, /Namespace "team-ns" has no/);
    });
    it("flags a tenant namespace enforcing privileged (case-insensitive)", async () => {
        await expectViolation(namespacePodSecurityEnforced, mutate(teamNs(), (d) => (d.props.metadata.labels[ENFORCE] = "Privileged")), /is a tenant namespace but sets pod-security\.kubernetes\.io\/enforce: privileged/);
    });
    it("flags a tenant-labelled namespace even when its name is allowlisted", async () => {
        await expectViolation(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "default", labels: { "moka.dev/tenant": "true" } } } }, /has no/);
    });
    it("checks NamespacePatch only for privileged", async () => {
        await expectClean(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:NamespacePatch", props: { metadata: { name: "growth", labels: { team: "x" } } } });
        await expectViolation(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:NamespacePatch", props: { metadata: { name: "growth", labels: { [ENFORCE]: "privileged" } } } }, /privileged/);
    });
    it("honours a configured allowlist", async () => {
        await expectClean(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "growth" } } }, { systemNamespaces: ["growth"] });
        await expectViolation(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "kube-system" } } }, /has no/, { config: { systemNamespaces: [] } });
    });
    it("survives odd shapes (labels as a string, null metadata, non-string label value)", async () => {
        await expectViolation(namespacePodSecurityEnforced, mutate(teamNs(), (d) => (d.props.metadata.labels = "restricted")), /has no/);
        await expectViolation(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:Namespace", name: "n", props: { metadata: null } }, /has no/);
        await expectViolation(namespacePodSecurityEnforced, mutate(teamNs(), (d) => (d.props.metadata.labels[ENFORCE] = 1)), /has no/);
        await expectClean(namespacePodSecurityEnforced, { type: "kubernetes:core/v1:Pod", props: {} });
    });
    it("turns unknown labels into an advisory", async () => {
        await expectUnknownAdvisory(namespacePodSecurityEnforced, mutate(teamNs(), (d) => (d.props.metadata.labels[ENFORCE] = UNKNOWN)));
        await expectUnknownAdvisory(namespacePodSecurityEnforced, mutate(teamNs(), (d) => (d.props.metadata.labels = UNKNOWN)));
    });
});
