/**
 * Address blocks as security rules judge them: how much of the internet a CIDR in an allow list opens.
 * Lenient on purpose (a policy sees what the user wrote, host bits included: EKS normalises "1.1.1.1/1"
 * to 0.0.0.0/1, half the IPv4 internet).
 *
 * Pack-private to the security pack. Exported API (stable):
 *   interface CidrBlock { family, prefix }, cidrBlock(text), isAlmostOpen(text, minV4, minV6),
 *   DEFAULT_MIN_PUBLIC_PREFIX_V4, DEFAULT_MIN_PUBLIC_PREFIX_V6
 */
import { isAnyAddress } from "../../../lib/cidr";

export interface CidrBlock {
    readonly family: 4 | 6;
    /** Prefix length; a bare address counts as a single host (/32 or /128). */
    readonly prefix: number;
}

/**
 * The largest block an allow list may open to the internet. A /8 is the largest block a single
 * organisation holds in IPv4 (and IANA's unit of allocation to the RIRs); a /32 is the standard RIR
 * allocation to one ISP/LIR in IPv6. A shorter prefix spans many unrelated networks: as good as open.
 */
export const DEFAULT_MIN_PUBLIC_PREFIX_V4 = 8;
export const DEFAULT_MIN_PUBLIC_PREFIX_V6 = 32;

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const V6 = /^[0-9a-f:.]*:[0-9a-f:.]*(?:\/(\d{1,3}))?$/i;

/** Family and prefix of an IPv4/IPv6 address or CIDR; undefined for anything else. */
export function cidrBlock(text: unknown): CidrBlock | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    const t = text.trim();
    const v4 = V4.exec(t);
    if (v4) {
        const prefix = v4[5] === undefined ? 32 : Number(v4[5]);
        return v4.slice(1, 5).every((o) => Number(o) <= 255) && prefix <= 32 ? { family: 4, prefix } : undefined;
    }
    const v6 = V6.exec(t);
    if (v6) {
        const prefix = v6[1] === undefined ? 128 : Number(v6[1]);
        return prefix <= 128 ? { family: 6, prefix } : undefined;
    }
    return undefined;
}

/**
 * True for 0.0.0.0/0, ::/0 and every block shorter than the minimum prefix of its family: an allow list
 * holding one of them is effectively open to the internet.
 */
export function isAlmostOpen(text: unknown, minV4: number = DEFAULT_MIN_PUBLIC_PREFIX_V4, minV6: number = DEFAULT_MIN_PUBLIC_PREFIX_V6): boolean {
    if (isAnyAddress(text)) {
        return true;
    }
    const b = cidrBlock(text);
    return b !== undefined && b.prefix < (b.family === 4 ? minV4 : minV6);
}
