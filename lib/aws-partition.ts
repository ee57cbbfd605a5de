/** The AWS partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`), for building ARNs without an API call. */
export function partitionOfRegion(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}
