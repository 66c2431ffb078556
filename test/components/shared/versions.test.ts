// The pins in components/shared/versions.ts: each one an exact version, so a bump is a deliberate
// one-line change. The other tests compare against these constants, not against literal versions.
import * as assert from "node:assert/strict";
import { CHARTS, K3S_VERSION, KUBE_VIP_IMAGE, KUBECTL_IMAGE } from "../../../components/shared/versions";

/** The tag of an image reference `<repository>:<tag>` (the whole reference when it has none). */
const tagOf = (image: string) => image.slice(image.lastIndexOf(":") + 1);

describe("versions", () => {
    it("pins every chart, K3s, kube-vip and kubectl at an exact version, kubectl at K3s's minor", () => {
        // SemVer, optionally `v`-prefixed: no range, no `latest`.
        for (const [name, pin] of Object.entries(CHARTS))
            assert.match(
                pin.version,
                /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/,
                `CHARTS.${name}.version`,
            );
        assert.match(K3S_VERSION, /^v\d+\.\d+\.\d+\+k3s\d+$/, "K3S_VERSION");
        assert.match(tagOf(KUBE_VIP_IMAGE), /^v\d+\.\d+\.\d+$/, "KUBE_VIP_IMAGE's tag");
        assert.match(tagOf(KUBECTL_IMAGE), /^v\d+\.\d+\.\d+$/, "KUBECTL_IMAGE's tag");
        // kubectl supports one minor version of skew from the API server: pin the cluster's minor.
        const minorOf = (version: string) => /^v(\d+\.\d+)\./.exec(version)?.[1];
        assert.equal(minorOf(tagOf(KUBECTL_IMAGE)), minorOf(K3S_VERSION));
    });
});
