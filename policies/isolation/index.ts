import { PolicyPack } from "@pulumi/policy";
import { isolationPack } from "./pack";

new PolicyPack(isolationPack.name, { enforcementLevel: isolationPack.enforcementLevel, policies: isolationPack.policies });
