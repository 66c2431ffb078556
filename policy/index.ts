// The homelab's policy pack: `pulumi preview --policy-pack policy` (advisory), and in
// production `--policy-pack-config policy/production.json` (mandatory).
import { PolicyPack } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT, POLICIES } from "./rules";

new PolicyPack("homelab", { enforcementLevel: DEFAULT_ENFORCEMENT, policies: POLICIES });
