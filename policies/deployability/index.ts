import { PolicyPack } from "@pulumi/policy";
import { deployabilityPack } from "./pack";

new PolicyPack(deployabilityPack.name, { enforcementLevel: deployabilityPack.enforcementLevel, policies: deployabilityPack.policies });
