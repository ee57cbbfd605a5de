import { PolicyPack } from "@pulumi/policy";
import { costPack } from "./pack";

new PolicyPack(costPack.name, { enforcementLevel: costPack.enforcementLevel, policies: costPack.policies });
