// The gitops/ tree the ApplicationSets read: what can be checked without Helm.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { ENVIRONMENTS } from "../stacks/config/profiles";
import { ROOT } from "./harness";

const GITOPS = path.join(ROOT, "gitops");

/** Every file under a folder, as paths relative to the project root. */
function files(folder: string): string[] {
    return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(folder, entry.name);
        return entry.isDirectory() ? files(full) : [path.relative(ROOT, full)];
    });
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
/** Helm templates are Go templates, not YAML, until rendered. */
const isTemplate = (file: string) => file.split(path.sep).includes("templates") && read(file).includes("{{");
const yamlFiles = files(GITOPS).filter((f) => /\.ya?ml$/.test(f));
const applications = fs.readdirSync(path.join(GITOPS, "applications"));

function parsed(file: string): any[] {
    return parseAllDocuments(read(file)).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
        return doc.toJS();
    });
}

describe("gitops/ tree", () => {
    for (const file of yamlFiles.filter((f) => !isTemplate(f))) {
        it(`parses ${file}`, () => {
            assert.ok(parsed(file).length > 0);
        });
    }

    it("has the folders docs/gitops.md describes", () => {
        assert.deepEqual(fs.readdirSync(GITOPS).sort(), [
            "application-namespace",
            "applications",
            "environments",
            "infrastructure",
            "secrets",
        ]);
    });

    it("has values for every environment", () => {
        for (const environment of ENVIRONMENTS) {
            assert.ok(fs.existsSync(path.join(GITOPS, "environments", environment, "values.yaml")), environment);
        }
    });

    it("keeps plaintext secrets only under gitops/secrets/dev and gitops/secrets/staging", () => {
        const allowed = [path.join("gitops", "secrets", "dev"), path.join("gitops", "secrets", "staging")];
        const offenders = yamlFiles
            .filter((file) => !allowed.some((folder) => file.startsWith(folder + path.sep)))
            .filter((file) => /^kind:\s*Secret\s*$/m.test(read(file)));
        assert.deepEqual(offenders, []);
        assert.deepEqual(fs.readdirSync(path.join(GITOPS, "secrets")).sort(), ["dev", "staging"]);
    });
});

describe("the infrastructure umbrella chart", () => {
    const chart = parsed("gitops/infrastructure/Chart.yaml")[0];
    const values = parsed("gitops/infrastructure/values.yaml")[0];

    it("is a v2 application chart named infrastructure", () => {
        assert.deepEqual([chart.apiVersion, chart.name, chart.type], ["v2", "infrastructure", "application"]);
        assert.match(chart.version, /^\d+\.\d+\.\d+$/);
    });

    it("pins every dependency to an exact version from an https repository", () => {
        for (const dependency of chart.dependencies) {
            assert.match(dependency.version, /^\d+\.\d+\.\d+$/, dependency.name);
            assert.match(dependency.repository, /^https:\/\//, dependency.name);
        }
    });

    it("toggles every dependency with <name>.enabled, which its values define", () => {
        for (const dependency of chart.dependencies) {
            assert.equal(dependency.condition, `${dependency.name}.enabled`);
            assert.equal(typeof values[dependency.name].enabled, "boolean", dependency.name);
        }
    });

    it("installs nothing the program installs (each thing is owned once)", () => {
        const platformCharts = ["argo-cd", "metallb", "cert-manager", "kube-prometheus-stack", "external-secrets"];
        assert.deepEqual(
            chart.dependencies.filter((d: { name: string }) => platformCharts.includes(d.name)),
            [],
        );
    });

    for (const environment of ENVIRONMENTS) {
        it(`is toggled in ${environment} only through keys the chart knows`, () => {
            const envValues = parsed(`gitops/environments/${environment}/values.yaml`)[0];
            assert.deepEqual(
                Object.keys(envValues).filter((key) => !(key in values)),
                [],
            );
        });
    }

    it("runs Longhorn, production's storage class, in production only", () => {
        const enabled = ENVIRONMENTS.map((e) => parsed(`gitops/environments/${e}/values.yaml`)[0].longhorn.enabled);
        assert.deepEqual(enabled, [false, false, true]);
    });
});

/** What the ApplicationSets pair: an application folder with each environment's value file,
 *  which Argo CD requires (no ignoreMissingValueFiles, so a typo fails the sync, not silently). */
export function unpairedValueFiles(
    appFolders: readonly string[],
    valueFiles: Record<string, readonly string[]>,
): string[] {
    return Object.entries(valueFiles).flatMap(([environment, files]) => [
        ...files
            .filter((file) => !appFolders.includes(file.replace(/\.yaml$/, "")))
            .map(
                (file) => `gitops/environments/${environment}/applications/${file}: no application folder of that name`,
            ),
        ...appFolders
            .filter((app) => !files.includes(`${app}.yaml`))
            .map((app) => `gitops/applications/${app}: no gitops/environments/${environment}/applications/${app}.yaml`),
    ]);
}

describe("applications", () => {
    it("include example-app", () => assert.ok(applications.includes("example-app")));

    it("each have a value file in every environment, and every value file its application", () => {
        const valueFiles = Object.fromEntries(
            ENVIRONMENTS.map((environment) => [
                environment,
                fs.readdirSync(path.join(GITOPS, "environments", environment, "applications")),
            ]),
        );
        assert.deepEqual(unpairedValueFiles(applications, valueFiles), []);
    });

    it("finds a value file without its application, and an application without its value file", () => {
        assert.deepEqual(
            unpairedValueFiles(["example-app", "blog"], {
                dev: ["example-app.yaml", "blog.yaml", "exmaple-app.yaml"],
                production: ["example-app.yaml"],
            }),
            [
                "gitops/environments/dev/applications/exmaple-app.yaml: no application folder of that name",
                "gitops/applications/blog: no gitops/environments/production/applications/blog.yaml",
            ],
        );
    });

    for (const application of applications) {
        describe(application, () => {
            const folder = `gitops/applications/${application}`;
            const chart = parsed(`${folder}/Chart.yaml`)[0];

            it("is a v2 chart named after its folder", () => {
                assert.deepEqual([chart.apiVersion, chart.name], ["v2", application]);
                assert.match(chart.version, /^\d+\.\d+\.\d+$/);
            });

            it("has documented default values", () => {
                assert.match(read(`${folder}/values.yaml`), /^# /m);
                assert.ok(parsed(`${folder}/values.yaml`)[0] !== null);
            });

            it("takes environment values only through keys its defaults define", () => {
                const defaults = parsed(`${folder}/values.yaml`)[0];
                for (const environment of ENVIRONMENTS) {
                    const file = `gitops/environments/${environment}/applications/${application}.yaml`;
                    assert.deepEqual(
                        Object.keys(parsed(file)[0]).filter((key) => !(key in defaults)),
                        [],
                        file,
                    );
                }
            });
        });
    }
});
