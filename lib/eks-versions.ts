/**
 * Amazon EKS Kubernetes version calendar: when each minor version leaves standard support (14 months
 * after its EKS release; AWS then bills extended support) and extended support (12 months more; then
 * EKS upgrades the control plane automatically).
 *
 * Sources (read, not copied):
 *   - endoflife-date/endoflife.date@a70eca337600e7d721dc48112c271f98661d208b products/amazon-eks.md
 *     (generated from the "End of standard support" / "End of extended support" columns of
 *     https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html): 1.23–1.36;
 *   - awsdocs/amazon-eks-user-guide@4d52b4d05e3478582e7d10a73cbd9ba9194dd5f7
 *     latest/ug/clusters/kubernetes-versions.adoc (the same table as of Dec 2024): agrees for 1.24–1.31.
 * Update when AWS announces a new version (at least 60 days before a standard-support end date).
 *
 * The policy packs (`eks-version-supported`, advisory past standard support) and the stack config (a
 * version EKS no longer runs at all is refused) read this one table.
 */

export interface EksVersionSupport {
    /** Kubernetes minor version as EKS names it, "1.<minor>". */
    readonly version: string;
    /** Last day of standard support (YYYY-MM-DD). */
    readonly endOfStandardSupport: string;
    /** Last day of extended support (YYYY-MM-DD). */
    readonly endOfExtendedSupport: string;
}

export const EKS_VERSION_SUPPORT: readonly EksVersionSupport[] = [
    { version: "1.23", endOfStandardSupport: "2023-10-11", endOfExtendedSupport: "2024-10-11" },
    { version: "1.24", endOfStandardSupport: "2024-01-31", endOfExtendedSupport: "2025-01-31" },
    { version: "1.25", endOfStandardSupport: "2024-05-01", endOfExtendedSupport: "2025-05-01" },
    { version: "1.26", endOfStandardSupport: "2024-06-11", endOfExtendedSupport: "2025-06-11" },
    { version: "1.27", endOfStandardSupport: "2024-07-24", endOfExtendedSupport: "2025-07-24" },
    { version: "1.28", endOfStandardSupport: "2024-11-26", endOfExtendedSupport: "2025-11-26" },
    { version: "1.29", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
    { version: "1.30", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    { version: "1.31", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    { version: "1.32", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    { version: "1.33", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    { version: "1.34", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    { version: "1.35", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
    { version: "1.36", endOfStandardSupport: "2027-08-02", endOfExtendedSupport: "2028-08-02" },
];

/** The calendar row of a "1.<minor>" version, or undefined when EKS never offered it (or the table is stale). */
export function eksVersionSupport(version: string): EksVersionSupport | undefined {
    return EKS_VERSION_SUPPORT.find((r) => r.version === version);
}
