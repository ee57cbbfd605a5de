/**
 * Every image that points into one of the stack's own ECR repositories has a producer in the stack (a
 * build that pushes to that repository, or that the workload depends on) or a pull-through cache rule
 * that serves it (policies/lib/deployability/images.ts). An image in an empty repository leaves its pods in
 * ImagePullBackOff; the Deployment (or the atomic Helm release) then times out and `pulumi up` fails.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { imageSources, viewsOf } from "../../lib/deployability";
import { URLS, raiseUnknowns } from "../common";

export const ecrImagesHaveProducer: StackValidationPolicy = {
    name: "ecr-images-have-producer",
    description: "Checks that every image pointing into one of the stack's ECR repositories is built and pushed by the stack (a tag or digest the build pushes, after the push) or served by a pull-through cache rule.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["deployability", "images", "ecr"],
    url: URLS.ecrPullThrough,
    remediationSteps:
        "Build and push the image in the stack (a docker-build Image with push: true and a tag in that repository) and reference its `ref` output " +
        "(tag@digest) so the workload waits for the push; or add an aws.ecr.PullThroughCacheRule whose ecrRepositoryPrefix starts the image's path; " +
        "or point the workload at a registry that already serves the image. In this platform: moka:images.sparkImage.source: build.",
    validateStack: (args, reportViolation) => {
        const uses = imageSources(viewsOf(args.resources));
        for (const u of uses.filter((x) => x.source === "missing")) {
            reportViolation(
                `${u.owner} (${u.container}) runs ${u.image ?? "an image"} from ${u.detail}. Nothing ever pushes that image, so the pods stay in ImagePullBackOff ` +
                    "and the rollout times out. Build and push it in the stack and use the build's ref (tag@digest), or serve it through a pull-through cache rule.",
                u.urn,
            );
        }
        for (const u of uses.filter((x) => x.source === "unordered")) {
            reportViolation(
                `${u.owner} (${u.container}) runs ${u.image ?? "an image"} by tag with no dependency on ${u.detail}: on a first pulumi up the pods can start before the push, ` +
                    "pull a tag that does not exist yet and the rollout times out. Run the build's ref output (tag@digest), which waits for the push and pins its bytes.",
                u.urn,
            );
        }
        raiseUnknowns(args.resources, uses.filter((x) => x.source === "unknown").flatMap((x) => x.unknowns));
    },
};
