// Bad config stops the program before it registers anything, naming the broken key.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../../stacks/config/load";
import { homelab } from "../../../stacks/homelab";
import { keyPath } from "../../../stacks/config/problems";
import { ENVIRONMENTS } from "../../../stacks/config/profiles";
import { SECRET_KEYS } from "../../../stacks/config/schema";
import {
    PROJECT,
    FIXTURE_STACKS,
    settle,
    fixtureStackFile,
    StackConfigFile,
    useStack,
    withConfig,
    withSecretConfig,
} from "../../harness";

/** Runs the program and returns the ConfigError it throws and what it registered first. */
async function failure(stack: string, file: StackConfigFile): Promise<{ error: ConfigError; registered: number }> {
    const registered = await useStack(stack, file);
    try {
        homelab();
    } catch (error) {
        await settle();
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        return { error, registered: registered.length };
    }
    throw new Error("the program accepted the config");
}

/** Every leaf of a config value, as a path of keys and indices. */
function leaves(value: unknown, at: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...at, i]));
    if (value !== null && typeof value === "object")
        return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
    return [at];
}

/** A copy of `value` with the leaf at `at` replaced. */
function replaced(value: unknown, at: (string | number)[], leaf: unknown): unknown {
    if (at.length === 0) return leaf;
    const copy = structuredClone(value) as Record<string | number, unknown>;
    copy[at[0]] = replaced(copy[at[0]], at.slice(1), leaf);
    return copy;
}

describe("a config error", () => {
    it("is one message listing every problem, and nothing is registered", async () => {
        const { error, registered } = await failure(
            "dev",
            withConfig(fixtureStackFile("dev"), { domain: undefined, ingressClass: "Traefik!" }),
        );
        assert.equal(
            error.message,
            [
                'Config of stack "dev" has 2 problems; nothing was changed:',
                '  - domain: required; e.g. "dev.home.arpa"',
                '  - ingressClass: "Traefik!" is not an ingress class name; e.g. "traefik"',
            ].join("\n"),
        );
        assert.equal(registered, 0);
    });

    it("names an unknown stack and the environments", async () => {
        const { error } = await failure("prod", fixtureStackFile("production"));
        assert.deepEqual(error.problems, [
            'stack: "prod" is not an environment; the stack name selects one of dev, staging, production; e.g. pulumi stack select dev',
        ]);
    });

    it("names a secret key set without --secret", async () => {
        const kubeconfig = "clusters:\n- name: lab\n  cluster:\n    server: https://k3s.home.arpa:6443\n";
        const file = withConfig(fixtureStackFile("dev"), { cluster: {}, kubeconfig });
        const { error } = await failure("dev", file);
        assert.deepEqual(error.problems, [
            "kubeconfig: is stored in plain text in the stack file; set it as a secret; e.g. pulumi config set --secret kubeconfig < ~/.kube/config",
        ]);
    });

    it("never repeats a secret value, whichever secret keys are wrong", async () => {
        const file = withConfig(fixtureStackFile("production"), {
            ...Object.fromEntries(SECRET_KEYS.map((key) => [key, `s3cr3t-${key}`])),
        });
        const { error } = await failure("production", file);
        assert.ok(error.problems.length >= SECRET_KEYS.length, error.problems.join("\n"));
        assert.deepEqual(
            error.problems.filter((p) => p.includes("s3cr3t")),
            [],
        );
    });

    it("reads the kubeconfig before registering anything, and quotes none of it", async () => {
        const file = withSecretConfig(withConfig(fixtureStackFile("dev"), { cluster: {} }), {
            kubeconfig: "/home/admin/.kube/config",
        });
        const { error, registered } = await failure("dev", file);
        assert.deepEqual(error.problems, [
            "kubeconfig: looks like a file's path; set the file's contents instead; e.g. pulumi config set --secret kubeconfig < ~/.kube/config",
        ]);
        assert.equal(registered, 0);
    });
});

// A whole stack file of each environment: breaking any one of its values must fail on that key.
for (const stack of ENVIRONMENTS) {
    const stackFile = parse(fs.readFileSync(path.join(FIXTURE_STACKS, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    describe(`breaking a key of ${stack}'s stack file`, () => {
        for (const [fullKey, value] of Object.entries(stackFile.config)) {
            const key = fullKey.slice(`${PROJECT}:`.length);
            for (const leaf of leaves(value)) {
                const name = keyPath([key, ...leaf]);
                it(`fails on ${name} with a list where a scalar belongs, registering nothing`, async () => {
                    const broken = withConfig(fixtureStackFile(stack), { [key]: replaced(value, leaf, ["x"]) });
                    const { error, registered } = await failure(stack, broken);
                    assert.ok(
                        error.problems.some((p) => p.startsWith(`${name}: `)),
                        `no problem names ${name}: ${error.problems.join(" | ")}`,
                    );
                    assert.equal(registered, 0);
                });
            }
        }
    });
}

describe("removing a required key", () => {
    for (const key of ["domain", "metallb", "gitops"]) {
        it(`fails on ${key}: required`, async () => {
            const { error } = await failure("dev", withConfig(fixtureStackFile("dev"), { [key]: undefined }));
            assert.equal(error.problems.length, 1);
            assert.match(error.problems[0], new RegExp(`^${key}: required; e\\.g\\. `));
        });
    }
});
