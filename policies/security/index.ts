import { PolicyPack } from "@pulumi/policy";
import { securityPack } from "./pack";

new PolicyPack(securityPack.name, { enforcementLevel: securityPack.enforcementLevel, policies: securityPack.policies });
