/**
 * Pure IPv4 CIDR helpers shared by config validation, the Network component and the policy packs.
 * No dependencies, no Pulumi imports: safe to load inside a policy pack.
 */

export interface Ipv4Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly network: number;
    /** Prefix length, 0..32. */
    readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "a.b.c.d/n". Returns undefined for anything that is not a canonical IPv4 CIDR (host bits must be zero). */
export function parseCidr(text: unknown): Ipv4Cidr | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    const m = CIDR_RE.exec(text.trim());
    if (!m) {
        return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const addr = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    const mask = prefixMask(prefix);
    if (((addr & mask) >>> 0) !== addr) {
        return undefined;
    }
    return { network: addr, prefix };
}

/** Like parseCidr but throws with a precise reason; used where the caller already validated. */
export function mustParseCidr(text: string): Ipv4Cidr {
    const c = parseCidr(text);
    if (!c) {
        throw new Error(`"${text}" is not a valid IPv4 CIDR (expected a.b.c.d/n with zero host bits)`);
    }
    return c;
}

/** Why a string is not a valid CIDR, or undefined when it is. */
export function cidrProblem(text: unknown): string | undefined {
    if (typeof text !== "string") {
        return "must be a string in CIDR notation (a.b.c.d/n)";
    }
    const m = CIDR_RE.exec(text.trim());
    if (!m) {
        return `"${text}" is not in CIDR notation (a.b.c.d/n)`;
    }
    if (m.slice(1, 5).some((o) => Number(o) > 255)) {
        return `"${text}" has an octet above 255`;
    }
    if (Number(m[5]) > 32) {
        return `"${text}" has a prefix length above 32`;
    }
    if (!parseCidr(text)) {
        return `"${text}" has host bits set; use ${formatCidr(canonical(text))}`;
    }
    return undefined;
}

function canonical(text: string): Ipv4Cidr {
    const m = CIDR_RE.exec(text.trim())!;
    const o = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    const addr = ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
    return { network: (addr & prefixMask(prefix)) >>> 0, prefix };
}

export function prefixMask(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatCidr(c: Ipv4Cidr): string {
    const n = c.network;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${c.prefix}`;
}

/** Number of addresses in the block. */
export function cidrSize(c: Ipv4Cidr): number {
    return 2 ** (32 - c.prefix);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
    const aEnd = a.network + cidrSize(a) - 1;
    const bEnd = b.network + cidrSize(b) - 1;
    return a.network <= bEnd && b.network <= aEnd;
}

/** True when `inner` lies entirely within `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
    return inner.prefix >= outer.prefix && ((inner.network & prefixMask(outer.prefix)) >>> 0) === outer.network;
}

/**
 * Splits `block` into consecutive sub-blocks of length `newPrefix`, returning the `index`-th.
 * Throws when the request does not fit.
 */
export function subnet(block: Ipv4Cidr, newPrefix: number, index: number): Ipv4Cidr {
    if (newPrefix < block.prefix || newPrefix > 32) {
        throw new Error(`cannot carve a /${newPrefix} out of ${formatCidr(block)}`);
    }
    const count = 2 ** (newPrefix - block.prefix);
    if (index < 0 || index >= count) {
        throw new Error(`${formatCidr(block)} holds only ${count} /${newPrefix} blocks; index ${index} is out of range`);
    }
    return { network: block.network + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}

/** True for 0.0.0.0/0 and ::/0, written any of the usual ways. */
export function isAnyAddress(text: unknown): boolean {
    if (typeof text !== "string") {
        return false;
    }
    const t = text.trim().toLowerCase();
    return t === "0.0.0.0/0" || t === "::/0" || t === "0::0/0" || t === "0:0:0:0:0:0:0:0/0" || t === "*";
}

/** RFC 1918 + RFC 6598 (carrier-grade NAT, used for the pod CIDR) ranges that a VPC may use. */
export const VPC_ALLOWED_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/**
 * The service CIDR EKS picks when a cluster is created without `kubernetesNetworkConfig.serviceIpv4Cidr`:
 * `172.20.0.0/16` when a VPC block lies in 10.0.0.0/8, else `10.100.0.0/16`. Sources: the EKS create-cluster
 * guide and @pulumi/aws `ClusterKubernetesNetworkConfig.serviceIpv4Cidr` ("If you don't specify a block,
 * Kubernetes assigns addresses from either the 10.100.0.0/16 or 172.20.0.0/16 CIDR blocks"), and the rule
 * the EKS AMI itself uses to derive the cluster DNS address (awslabs/amazon-eks-ami tag v20241225,
 * templates/al2/runtime/bootstrap.sh: 172.20.0.10 when the node's VPC CIDR blocks include a 10.x range,
 * else 10.100.0.10). Passing the value to the cluster explicitly makes it a fact instead of a derivation.
 */
export function eksDefaultServiceCidr(vpcCidrs: readonly string[]): string {
    const ten = mustParseCidr("10.0.0.0/8");
    return vpcCidrs.some((c) => {
        const block = parseCidr(c);
        return block !== undefined && cidrsOverlap(ten, block);
    }) ? "172.20.0.0/16" : "10.100.0.0/16";
}

/**
 * The kube-dns Service ClusterIP EKS's CoreDNS add-on uses: the service CIDR's first three octets and `.10`
 * (awslabs/amazon-eks-ami nodeadm/internal/api/net.go @81fec2e8: `fmt.Sprintf("%s.10", cidr[:LastIndex(".")])`).
 */
export function kubeDnsClusterIp(serviceCidr: string): string {
    const block = mustParseCidr(serviceCidr);
    if (block.prefix > 24) {
        throw new Error(`kubeDnsClusterIp: service CIDR ${serviceCidr} must be /24 or larger (EKS allows /12 to /24)`);
    }
    const n = block.network;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.10`;
}
