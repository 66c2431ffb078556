// The dummy secrets of gitops/secrets/<env>/, and the example ExternalSecret that reads them.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { readApplications } from "../../../stacks/config/applications";
import { parsePlainSecrets, readSecretFiles } from "../../../stacks/config/plain-secrets";
import { ROOT } from "../../harness";

const GOOD = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: example-app\nstringData:\n  api-key: dummy\n";
const EXAMPLE = "e.g. apiVersion: v1, kind: Secret, metadata: {name: example-app}, stringData: {api-key: dummy}";
const APPLICATIONS = ["example-app", "other-app"];
const parsed = (files: { path: string; text: string }[]) => parsePlainSecrets(files, APPLICATIONS);
const problems = (text: string) => parsed([{ path: "gitops/secrets/dev/x.yaml", text }]).problems;

describe("parsePlainSecrets", () => {
    it("reads a Secret's name and values", () => {
        assert.deepEqual(parsed([{ path: "a.yaml", text: GOOD }]), {
            secrets: [{ name: "example-app", stringData: { "api-key": "dummy" } }],
            problems: [],
        });
    });

    it("reads every document of a file", () => {
        const two = `${GOOD}---\n${GOOD.replace("example-app", "other-app")}`;
        assert.deepEqual(
            parsed([{ path: "a.yaml", text: two }]).secrets.map((s) => s.name),
            ["example-app", "other-app"],
        );
    });

    it("rejects a file that is not YAML", () => {
        assert.match(problems("a: [b")[0], /^gitops\/secrets\/dev\/x\.yaml: is not YAML \(/);
    });

    it("rejects another kind", () => {
        assert.deepEqual(problems(GOOD.replace("kind: Secret", "kind: ConfigMap")), [
            `gitops/secrets/dev/x.yaml: is not a v1 Secret; ${EXAMPLE}`,
        ]);
    });

    it("rejects a name that is not a DNS label", () => {
        assert.deepEqual(problems(GOOD.replace("name: example-app", "name: Example_App")), [
            `gitops/secrets/dev/x.yaml: metadata.name is not a DNS label; ${EXAMPLE}`,
        ]);
    });

    it("rejects a namespace, which the program sets", () => {
        assert.deepEqual(
            problems(GOOD.replace("  name: example-app\n", "  name: example-app\n  namespace: default\n")),
            [`gitops/secrets/dev/x.yaml: sets metadata.namespace (the program places it); ${EXAMPLE}`],
        );
    });

    it("rejects base64 data", () => {
        assert.deepEqual(problems(`${GOOD}data:\n  api-key: ZHVtbXk=\n`), [
            `gitops/secrets/dev/x.yaml: uses data; write the dummy values as plain text under stringData; ${EXAMPLE}`,
        ]);
    });

    it("rejects a secret without values", () => {
        assert.deepEqual(problems(GOOD.replace("stringData:\n  api-key: dummy\n", "")), [
            `gitops/secrets/dev/x.yaml: has no stringData of string values; ${EXAMPLE}`,
        ]);
    });

    it("rejects a value that is not a string", () => {
        assert.deepEqual(problems(GOOD.replace("api-key: dummy", "port: 8080")), [
            `gitops/secrets/dev/x.yaml: has no stringData of string values; ${EXAMPLE}`,
        ]);
    });

    it("rejects a secret named after no application, which no store would read", () => {
        assert.deepEqual(problems(GOOD.replace("example-app", "exmaple-app")), [
            `gitops/secrets/dev/x.yaml: secret "exmaple-app" is named after no application of gitops/applications/; ${EXAMPLE}`,
        ]);
    });

    it("rejects a second secret of the same name", () => {
        assert.deepEqual(
            parsed([
                { path: "a.yaml", text: GOOD },
                { path: "b.yaml", text: GOOD },
            ]).problems,
            [`b.yaml: repeats secret "example-app" of a.yaml; ${EXAMPLE}`],
        );
    });
});

describe("readSecretFiles", () => {
    it("reads the YAML files of the environment's folder, in name order", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"));
        fs.mkdirSync(path.join(root, "gitops", "secrets", "dev"), { recursive: true });
        fs.writeFileSync(path.join(root, "gitops", "secrets", "dev", "b.yaml"), "b");
        fs.writeFileSync(path.join(root, "gitops", "secrets", "dev", "a.yml"), "a");
        fs.writeFileSync(path.join(root, "gitops", "secrets", "dev", "README.md"), "not a secret");
        assert.deepEqual(readSecretFiles(root, "dev"), [
            { path: path.join("gitops", "secrets", "dev", "a.yml"), text: "a" },
            { path: path.join("gitops", "secrets", "dev", "b.yaml"), text: "b" },
        ]);
    });

    it("reads nothing where the folder does not exist", () => {
        assert.deepEqual(readSecretFiles(ROOT, "production"), []);
    });
});

describe("the repository's secrets", () => {
    const file = path.join(ROOT, "gitops/applications/example-app/templates/external-secret.yaml");
    // The template's one expression (the store's name) stands aside: what is read is the keys.
    const externalSecret: any = parse(fs.readFileSync(file, "utf8").replace(/\{\{[^}]*\}\}/g, "store"));
    const applications = readApplications(ROOT, "").applications.map((a) => a.name);

    it("keep no production folder: production secrets live in Vault only", () => {
        assert.equal(fs.existsSync(path.join(ROOT, "gitops", "secrets", "production")), false);
    });

    for (const environment of ["dev", "staging"]) {
        it(`in ${environment} are valid dummy secrets`, () => {
            assert.deepEqual(parsePlainSecrets(readSecretFiles(ROOT, environment), applications).problems, []);
        });

        it(`in ${environment} hold every value the example ExternalSecret reads`, () => {
            const secrets = parsePlainSecrets(readSecretFiles(ROOT, environment), applications).secrets;
            for (const { remoteRef } of externalSecret.spec.data as {
                remoteRef: { key: string; property: string };
            }[]) {
                const secret = secrets.find((s) => s.name === remoteRef.key);
                assert.ok(secret?.stringData[remoteRef.property], `${remoteRef.key}.${remoteRef.property}`);
            }
        });
    }

    it("are read by the example ExternalSecret as external-secrets.io/v1", () => {
        assert.equal(externalSecret.apiVersion, "external-secrets.io/v1");
    });
});
